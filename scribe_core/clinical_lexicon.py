"""The words of the clinical keep-list, by category (lower case; phrases word by word with spaces).

Data only: `clinical_keep_list` holds the rules that use it. Lists are general vocabularies of
clinical talk (not a test's sentences): generic and brand drug names, street names of recreational
substances, alcohol and tobacco, common conditions, procedures and tests, anatomy, lab and vital-sign
names. A word missing here is often still kept by the suffix rule (-itis, -ectomy, -pril, ...).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> frozenset[str]:
    return frozenset(" ".join(line.split()) for line in text.split(";") if line.strip())


DRUGS = _words("""
acetaminophen paracetamol tylenol ibuprofen advil motrin naproxen aleve aspirin diclofenac voltaren
celecoxib celebrex meloxicam ketorolac tramadol ultram codeine morphine oxycodone percocet oxycontin
hydrocodone vicodin hydromorphone dilaudid fentanyl methadone buprenorphine suboxone naloxone narcan
gabapentin neurontin pregabalin lyrica amitriptyline nortriptyline duloxetine cymbalta venlafaxine
effexor sertraline zoloft fluoxetine prozac citalopram celexa escitalopram lexapro paroxetine paxil
bupropion wellbutrin mirtazapine trazodone lithium quetiapine seroquel olanzapine zyprexa
risperidone risperdal aripiprazole abilify haloperidol haldol lorazepam ativan diazepam valium
alprazolam xanax clonazepam klonopin zolpidem ambien melatonin methylphenidate ritalin adderall
amphetamine metformin glucophage insulin glargine lantus humalog novolog lispro aspart detemir
glipizide glyburide gliclazide sitagliptin januvia empagliflozin jardiance dapagliflozin farxiga
semaglutide ozempic wegovy liraglutide victoza dulaglutide trulicity pioglitazone lisinopril
enalapril ramipril perindopril losartan valsartan irbesartan candesartan olmesartan amlodipine
norvasc nifedipine diltiazem verapamil metoprolol lopressor toprol atenolol bisoprolol carvedilol
propranolol labetalol hydrochlorothiazide hctz chlorthalidone furosemide lasix bumetanide torsemide
spironolactone aldactone eplerenone hydralazine clonidine nitroglycerin isosorbide digoxin
amiodarone sotalol flecainide atorvastatin lipitor simvastatin zocor rosuvastatin crestor
pravastatin lovastatin ezetimibe zetia fenofibrate warfarin coumadin heparin enoxaparin lovenox
apixaban eliquis rivaroxaban xarelto dabigatran pradaxa edoxaban clopidogrel plavix ticagrelor
brilinta prasugrel salbutamol albuterol ventolin proair levalbuterol terbutaline ipratropium
atrovent tiotropium spiriva salmeterol formoterol fluticasone flovent advair symbicort budesonide
pulmicort beclomethasone qvar mometasone montelukast singulair theophylline prednisone prednisolone
methylprednisolone medrol dexamethasone hydrocortisone cortisone amoxicillin augmentin
amoxicillin-clavulanate penicillin ampicillin cephalexin keflex cefuroxime ceftriaxone cefdinir
azithromycin zithromax z-pack clarithromycin erythromycin doxycycline minocycline tetracycline
ciprofloxacin cipro levofloxacin levaquin moxifloxacin nitrofurantoin macrobid trimethoprim
sulfamethoxazole bactrim septra metronidazole flagyl clindamycin vancomycin linezolid gentamicin
rifampin isoniazid fluconazole diflucan nystatin terbinafine acyclovir valacyclovir valtrex
oseltamivir tamiflu paxlovid omeprazole prilosec esomeprazole nexium pantoprazole protonix
lansoprazole prevacid rabeprazole famotidine pepcid ranitidine zantac sucralfate ondansetron zofran
metoclopramide reglan domperidone loperamide imodium bisacodyl senna docusate lactulose polyethylene
miralax mesalamine sulfasalazine infliximab adalimumab humira levothyroxine synthroid eltroxin
methimazole propylthiouracil alendronate fosamax calcium vitamin cholecalciferol ferrous iron folic
folate cyanocobalamin b12 magnesium potassium allopurinol febuxostat colchicine methotrexate
hydroxychloroquine plaquenil cetirizine zyrtec loratadine claritin fexofenadine allegra
diphenhydramine benadryl pseudoephedrine sudafed epinephrine epipen guaifenesin mucinex
dextromethorphan tamsulosin flomax finasteride sildenafil viagra tadalafil cialis oxybutynin
estradiol progesterone medroxyprogesterone norethindrone levonorgestrel contraceptive testosterone
sumatriptan imitrex rizatriptan topiramate topamax levetiracetam keppra lamotrigine lamictal
valproate depakote carbamazepine tegretol phenytoin dilantin donepezil aricept memantine levodopa
carbidopa sinemet
""")

DRUG_CLASSES = _words("""
antibiotic antibiotics antibiotic's antidepressant antidepressants antihistamine antihistamines antipsychotic
antipsychotics anticoagulant anticoagulants blood-thinner blood-thinners beta-blocker beta-blockers statin statins
steroid steroids opioid opioids opiate opiates benzodiazepine benzodiazepines benzos stimulant stimulants
sedative sedatives painkiller painkillers inhaler inhalers puffer puffers insulin vaccine vaccines pill pills
tablet tablets capsule capsules patch patches injection injections cream ointment drops syrup suppository
""")

RECREATIONAL = _words("""
marijuana marihuana cannabis thc cbd hashish hash cocaine crack heroin methamphetamine methamphetamines meth
amphetamines ecstasy mdma lsd acid psilocybin mushrooms shrooms ketamine pcp ghb kratom inhalants poppers
fentanyl spice k2 bath-salts mescaline peyote dmt xylazine oxys percs bars xannies edibles joint joints blunt
blunts bong dab dabs dabbing
""")
# Slang that is also a name or an everyday word: kept only when written in lower case.
AMBIGUOUS = _words("""
weed pot grass coke crystal ice speed molly dope smack tina charlie snow rock rocks bud herb skunk special
bell graves down hand head back heart chest brain mary jane
""")
RECREATIONAL_PHRASES = _phrases("""
crystal meth; crack cocaine; magic mushrooms; mary jane; bath salts; street drugs; recreational drugs;
party drugs; illicit drugs; ivdu; iv drug use; intravenous drug use
""")

ALCOHOL_TOBACCO = _words("""
alcohol alcoholic alcoholism drink drinks drinking drank drunk beer beers wine wines liquor spirits vodka
whiskey whisky rum gin tequila brandy bourbon cider lager ale shots booze binge hangover sober sobriety
tobacco cigarette cigarettes cigs cigar cigars cigarillo smoke smokes smoking smoked smoker smokers vape vapes
vaping vaped e-cigarette e-cigarettes juul nicotine snuff chew dip hookah shisha pipe pack packs pack-year
pack-years
""")

CONDITIONS = _words("""
diabetes diabetic hypertension hypotension asthma copd emphysema pneumonia bronchitis bronchiolitis influenza
flu covid covid-19 cold cough fever fevers chills infection infections sepsis cancer cancers tumor tumour
tumors leukemia leukaemia lymphoma melanoma carcinoma metastasis stroke tia seizure seizures epilepsy migraine
migraines headache headaches aura dementia delirium depression anxiety bipolar schizophrenia psychosis adhd
autism ptsd ocd insomnia apnea apnoea obesity overweight anemia anaemia thalassemia sickle hemophilia
arthritis osteoarthritis gout lupus fibromyalgia osteoporosis fracture fractures sprain strain tendonitis
hepatitis cirrhosis pancreatitis gastritis reflux gerd ulcer ulcers ibs colitis diverticulitis appendicitis
constipation diarrhea diarrhoea nausea vomiting heartburn indigestion bloating hernia hemorrhoids jaundice
kidney-stones uti cystitis incontinence prostatitis hiv aids tuberculosis tb syphilis gonorrhea chlamydia
herpes hpv shingles measles mumps chickenpox eczema psoriasis acne rash rashes hives dermatitis cellulitis
abscess wound wounds burn burns laceration bruise bruising swelling edema oedema pain pains ache aches sore
soreness tenderness numbness tingling weakness fatigue dizziness vertigo syncope fainting palpitations
arrhythmia fibrillation angina infarction mi heart-attack failure chf cardiomyopathy murmur thrombosis dvt
embolism pe aneurysm hypothyroidism hyperthyroidism goiter thyroiditis allergy allergies allergic anaphylaxis
glaucoma cataract cataracts conjunctivitis otitis earache tinnitus sinusitis tonsillitis pharyngitis laryngitis
croup pregnancy pregnant prenatal postpartum miscarriage preeclampsia endometriosis menopause infertility
tremor tremors withdrawal overdose addiction dependence relapse cravings shortness breath wheeze wheezing
itch itches itching itchy bleeding blood clot clots cyst cysts lump lumps polyp polyps nodule nodules
""")

PROCEDURES = _words("""
surgery surgeries operation operations procedure biopsy transplant replacement repair bypass stent stents
angioplasty catheterization dialysis chemotherapy chemo radiotherapy radiation physiotherapy physio therapy
counselling counseling rehab rehabilitation vaccination immunization injection infusion transfusion intubation
ventilation suturing stitches cast splint x-ray xray x-rays ultrasound ultrasounds scan scans ct mri pet ecg ekg
echo echocardiogram eeg emg endoscopy colonoscopy gastroscopy bronchoscopy cystoscopy laparoscopy mammogram
mammography pap smear swab swabs culture cultures urinalysis bloodwork blood-work labs panel spirometry
audiogram holter angiogram c-section cesarean caesarean delivery induction epidural circumcision vasectomy
tubal ligation prenatal screening
""")

ANATOMY = _words("""
body head skull scalp face forehead eye eyes eyelid ear ears nose sinus sinuses mouth lip lips tongue
tooth teeth gum gums jaw throat neck spine back lower upper shoulder shoulders arm arms armpit elbow elbows
forearm forearms wrist wrists hand hands palm finger fingers thumb thumbs nail nails chest breast breasts rib
ribs lung lungs heart abdomen abdominal belly stomach tummy gut bowel bowels intestine intestines colon rectum
anus liver gallbladder pancreas spleen kidney kidneys bladder prostate uterus womb ovary ovaries cervix vagina
penis testicle testicles scrotum groin pelvis hip hips buttock buttocks thigh thighs knee knees kneecap leg legs
shin calf calves ankle ankles foot feet heel toe toes skin muscle muscles bone bones joint joints tendon tendons
ligament ligaments nerve nerves brain thyroid gland glands lymph node nodes artery arteries vein veins blood
appendix tonsils adenoids esophagus oesophagus trachea airway airways diaphragm
left right bilateral
""")

MEASURES = _words("""
blood-pressure bp pulse heart-rate hr temperature temp fever saturation sats spo2 o2 oxygen respiratory rate rr
bmi weight height glucose sugar sugars a1c hba1c hemoglobin haemoglobin hb creatinine egfr potassium sodium
cholesterol ldl hdl triglycerides tsh inr platelets wbc crp esr troponin psa ferritin vitamin b12 calcium
""")

CARE_ROLES = _words("""
doctor doctors dr physician gp surgeon nurse nurses np pa midwife paramedic pharmacist therapist physio patient
patients specialist consultant resident clinic hospital er ed icu ward pharmacy
""")

# Eponyms: kept in the possessive or before a disease word, never as a bare (sur)name.
EPONYMS = _words("""
crohn parkinson alzheimer hodgkin addison cushing graves hashimoto bell raynaud tourette asperger down huntington
guillain barre epstein barr meniere sjogren kawasaki wilson lyme
""")
EPONYM_NOUNS = _words("disease syndrome palsy phenomenon lymphoma thyroiditis chorea virus")
