"""Clinical words PII redaction must never remove, even when spaCy's small model tags them.

spaCy's `en_core_web_sm` tags unfamiliar capitalised words as PERSON or ORG: measured, it turned
"Tramadol" into <PERSON>. Drug names (generic and common brand names), eponymous conditions and
clinical titles are therefore an allow-list: a detected span made only of these words is dropped.
Lower-case comparison; multi-word names are listed word by word.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


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

# Eponyms and titles spaCy mistakes for people or places.
CLINICAL_WORDS = _words("""
doctor dr nurse patient crohn crohn's parkinson parkinson's alzheimer alzheimer's hodgkin hodgkin's
addison addison's cushing cushing's graves graves' hashimoto hashimoto's bell bell's raynaud
raynaud's tourette tourette's asperger asperger's down down's epstein barr guillain barre covid
covid-19 tylenol#3 ecg ekg mri ct
""")

ALLOW_WORDS = DRUGS | CLINICAL_WORDS
