"""The examination by body system, as a clinician writes it ("Cardiovascular: Regular rate and rhythm. 3/6
systolic ejection murmur." / "Respiratory: Lungs are clear.").

Each examination fact is placed under the system its words name first (the doctor's "on your heart exam",
"your lungs", "pitting edema", "range of motion"); the lead that only named the system goes once the label
says it ("On the patient's heart exam, there is a 2/6 systolic ejection murmur" -> "2/6 systolic ejection
murmur"). Findings of one system are joined into one line citing all their utterances, systems in the order
first examined. A sentence that names no system stays as it was said, in its place. Talk that only stages
the examination ("will do a quick exam", "have a seat on this table and I'll listen to your lungs") holds no
finding and is left out. Only lead words are ever removed, and a rewritten line must claim nothing its
spoken sentence did not (support.py): otherwise the sentence is kept whole.

The labels are the ones ACI-Bench's clinicians use most in their notes (train + valid: Cardiovascular,
Respiratory, Musculoskeletal, Neurological, Gastrointestinal, Neck, Skin). A body-system sectionizer for
spoken examinations is not in a maintained library: medSpaCy's sectionizer finds typed headings
("PHYSICAL EXAM:"), not the systems inside one spoken sentence.
"""

from __future__ import annotations

import re

from ..model import Statement
from .facts import Fact
from .support import drug_names, spoken_numbers, unsupported_claims

# (label, the words that name it), in the order a note lists the systems when two are named at one place.
SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((label, re.compile(words, re.IGNORECASE)) for label, words in (
    ("HEENT", r"\b(?:heent|eyes?|pupils|ears?|tympanic|throat|pharynx|pharyngeal|tonsils?|tonsillar|uvula|nasal|"
              r"nose|sinus(?:es)?|turbinates|oropharynx|mouth)\b"),
    ("Neck", r"\b(?:neck|thyroid|lymph nodes?|lymphadenopathy|carotid|jugular|jvd|venous distension|venous "
             r"distention|supple)\b"),
    ("Cardiovascular", r"\b(?:heart(?! rate)|cardiac|cardiovascular|murmurs?|rub|gallop|regular rate|s1|s2)\b"),
    ("Respiratory", r"\b(?:lungs?|lung fields|breath sounds|wheez\w*|crackles|rales|rhonchi|respiratory|"
                    r"auscultation bilaterally)\b"),
    ("Gastrointestinal", r"\b(?:abdomen|abdominal|belly|bowel sounds|quadrant|rebound|guarding|peritoneal|liver|"
                         r"spleen|hernia)\b"),
    ("Extremities", r"\b(?:extremit(?:y|ies)|pitting|edema|pulses)\b"),
    ("Musculoskeletal", r"\b(?:(?<!came )(?<!come )back|spine|lumbar|cervical|knees?|shoulders?|hips?|ankles?|"
                        r"wrists?|elbows?|fingers?|toes?|joints?|range of motion|flexion|extension|strength|"
                        r"straight leg|effusion|musculoskeletal|5/5|4/5|3/5)\b"),
    ("Neurological", r"\b(?:neuro\w*|reflex\w*|sensation|cranial nerves|gait|numbness|alert and oriented)\b"),
    ("Skin", r"\b(?:skin|rash|lesions?|wound|incision|scar|erythema(?! and edema of the)|bruis\w*)\b"),
    ("Psychiatric", r"\b(?:mood|affect)\b"),
))
# A finding: what was found, normal or not. Without one (or a number) a sentence only stages the exam.
_FINDING = re.compile(
    r"\b(?:normal|abnormal|unremarkable|clear|soft|supple|tender\w*|pain\w*|murmurs?|rhythm|swell\w*|swollen|"
    r"edema|effusion|range of motion|strength|reflex\w*|sensation|intact|bruit|rash|lesions?|redness|erythema|"
    r"warm|crackles|wheez\w*|rales|rhonchi|distended|distension|distention|enlarged|bruis\w*|positive|negative|"
    r"limited|decreased|increased|full|stable|healed|scar|palpable|palpation|masses|mass|exudates?|midline|"
    r"fine|good|well|looks|sounds|appreciate|no|not|without|fluid|thickening|discharge|fever|guarding|"
    r"oriented|alert|flat\w*|present|absent|brisk|strong|weak\w*|pulses?|refill)\b", re.IGNORECASE)
_LEAD = re.compile(
    r"^(?:(?:so|and|now|okay|also|here)\b[,\s]*)*(?:(?:on|for|in|looking at|upon)\s+(?:the patient's|their|his|her|"
    r"the|your)?\s*(?:[a-z]+\s+){0,2}?(?:exam(?:ination)?|evaluation)\b(?!\s+of\b)[,\s]*)"
    r"(?:(?:there is|there's|there are|they have|they do have|she has|he has|she does have|he does have)\s+)?",
    re.IGNORECASE)
# "on the patient's lower extremities, there is ..." / "looking at the patient, their neck is very supple".
_PLACE_LEAD = re.compile(
    r"^(?:(?:so|and|now|okay|also|here)\b[,\s]*)*(?:looking at (?:the patient|you)\b[,\s]*|(?:on|in)\s+(?:the "
    r"patient's|their|his|her|your)\s+(?:lower |upper |right |left )?(?:extremities|abdomen|heart|lungs?|neck|back|"
    r"skin)\b[,\s]*)(?:(?:there is|there's|there are|they have|they do have)\s+)?", re.IGNORECASE)
# Vital signs and test results that the section model left with the examination are not a body system's.
_NOT_A_SYSTEM = re.compile(r"\b(?:blood pressure|heart rate|pulse|temperature|fever|vital signs|oxygen|"
                           r"results?|echo\w*|x-?rays?|ekg|ecg|mri|ct scan|labs?|blood work)\b", re.IGNORECASE)
# "..., and, their lungs are clear": two systems' findings in one breath are two findings.
_NEXT_FINDING = re.compile(r",?\s+and,?\s+(?=(?:(?:the patient's|their|his|her)\s+(?:[a-z]+\s+){0,2}?(?:is|are|"
                           r"does|has|have|shows?|looks?|sounds?)|there's no|there is no)\b)", re.IGNORECASE)
_POSSESSIVE_ORGAN = re.compile(r"^(?:the patient's|their|his|her)\s+(?=(?:heart|lungs?|abdomen|belly|neck|skin)\b)",
                               re.IGNORECASE)
_SIDE = re.compile(r"\b(?:left|right|bilateral\w*)\b")  # a side is never lost with a lead
VITALS = "Vital signs"
MAX_LINE_WORDS = 50
_TRAILING = re.compile(r"[\s,;-]+(?=\.?$)")


def system_of(text: str) -> str | None:
    """The body system the text names first, or None (also for a vital sign or a test result)."""
    if _NOT_A_SYSTEM.search(text):
        return None
    found = [(m.start(), label) for label, pattern in SYSTEMS for m in [pattern.search(text)] if m]
    return min(found)[1] if found else None


def stages_only(text: str) -> bool:
    """Examination talk with no finding and no number: "Will do a quick exam.", "Have a seat on the table"."""
    return not _FINDING.search(text) and not spoken_numbers(text) and not drug_names(text)


def _finding(text: str) -> str:
    """The sentence without the lead that only named the system (the label says it), never emptied."""
    rest = _LEAD.sub("", text, count=1)
    rest = _POSSESSIVE_ORGAN.sub("", _PLACE_LEAD.sub("", rest, count=1) if rest == text else rest, count=1)
    rest = _TRAILING.sub("", rest).rstrip(".").strip()
    side = set(_SIDE.findall(text.lower()))
    if len(re.findall(r"[A-Za-z0-9/%]+", rest)) < 2 or not side <= set(_SIDE.findall(rest.lower())):
        return _TRAILING.sub("", text).rstrip(".").strip()
    return rest[:1].upper() + rest[1:]


def by_body_system(facts: list[Fact]) -> list[Statement]:
    """The examination facts (vital signs first, as given) as statements grouped by body system."""
    groups: dict[str, list[tuple[str, list[str]]]] = {}
    order: list[str | Statement] = []
    for f in facts:
        if f.kind == "vital":  # the vital signs together, one line: "Vital signs: BP 128/72. SpO2 96%."
            if VITALS not in groups:
                groups[VITALS] = []
                order.append(VITALS)
            groups[VITALS].append((f.text.rstrip("."), list(f.evidence)))
            continue
        if stages_only(f.text):
            continue
        parts = _NEXT_FINDING.split(f.text)
        labels = [system_of(part) for part in parts]
        if len(parts) > 1 and (None in labels or len(set(labels)) == 1 or any(len(p.split()) < 3 for p in parts)):
            parts, labels = [f.text], [system_of(f.text)]  # one system's finding, said at length: keep it whole
        for part, label in zip(parts, labels, strict=True):
            if label is None:
                order.append(Statement(text=f.text, evidence=list(f.evidence)))
                continue
            finding = _finding(part)
            if unsupported_claims(finding, [f.text]):
                finding = _TRAILING.sub("", part).rstrip(".").strip()  # the lead carried a claim: keep it
            if label not in groups:
                groups[label] = []
                order.append(label)
            groups[label].append((finding, list(f.evidence)))
    out: list[Statement] = []
    for item in order:
        if isinstance(item, Statement):
            out.append(item)
            continue
        lines: list[list[tuple[str, list[str]]]] = [[]]
        for said_cited in groups[item]:  # a long system is continued on a new line under the same label
            if lines[-1] and sum(len(said.split()) for said, _ in [*lines[-1], said_cited]) > MAX_LINE_WORDS:
                lines.append([])
            lines[-1].append(said_cited)
        for line in lines:
            text = f"{item}: " + " ".join(f"{said}." for said, _ in line)
            out.append(Statement(text=text, evidence=list(dict.fromkeys(e for _, cited in line for e in cited))))
    return out
