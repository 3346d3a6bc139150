"""The patient's after-visit summary, written without a language model.

    What we found            the note's assessment, and results that were discussed
    What to do               the note's plan: treatment, tests, advice
    Your medicines           the visit's medicine list (slots): every new, changed, continued or stopped
                             medicine with its dose as said
    When to come back        the follow-up interval the doctor gave (slots)
    Get help right away if   the warning signs the doctor actually said (clinical/advice.py)

The last three are built from the visit's own words, each line citing its utterances, so a note that lost
a dose or a follow-up sentence still gives the patient both. A part the visit gave nothing says so plainly
("No time to come back was set at this visit.") instead of being blank. Without a transcript (a note
alone) they fall back to the note's lines.

Every line is a note statement said again in the second person and everyday words (plain_language.py), and
must pass the whole-sentence check (sentence_check.py): a fragment ("We want."), a question, the
clinician's "I" or an "it" with nothing named is left out. A bare finding ("Likely stable angina.") is
made a sentence keeping its hedge ("This is likely stable angina."). Statements the note flags as
unsupported are left out. The summary's reading level (Flesch-Kincaid grade, textstat) is measured only
over sentences that passed the check.
"""

from __future__ import annotations

import re

from ..clinical.advice import impressions, instructions, is_impression, is_instruction, return_visits, warning_signs
from ..clinical.certainty import dropped_hedge
from ..clinical.medication_list import MedicineLine, medicine_list
from ..clinical.slots import visit_slots
from ..clinical.support import drug_names, spoken_numbers
from ..clinical.wording import content_words
from ..model import DOCTOR, Note, Transcript
from ..note_template import NoteTemplate
from ..section_roles import section_roles
from .medicines import for_patient as medicine_for_patient
from .model import PatientSummary, SourcedSentence, SummaryPart, statement_ref
from .plain_language import for_patient
from .sentence_check import NO_VERB, TOO_SHORT, has_verb, sentence_problem

FOUND, TODO, MEDICINES, RETURN, WARNING = ("What we found", "What to do", "Your medicines", "When to come back",
                                           "Get help right away if")
_EMERGENCY = re.compile(r"\b(call (911|999|112|an ambulance)|emergency|go to the (er|a&e|hospital)|"
                        r"seek (urgent|immediate|medical)|warning sign|red flag|right away|immediately)", re.IGNORECASE)
_WARNING = re.compile(
    r"\b(if (you|your|it|the|there|symptoms?|pain|things|this|that|she|he)\b[^.]*\b(worse|worsen\w*|severe|fever|"
    r"bleed\w*|short(ness)? of breath|chest pain|faint\w*|not (get(ting)? )?better|does ?n[o']t improve|persist\w*|"
    r"spread\w*|swell\w*|numb\w*|weak\w*|vomit\w*|confus\w*))", re.IGNORECASE)
_RETURN = re.compile(r"\b(follow[- ]?up|come back|see (you|her|him|them) (back|again|in)|return (to|in|for)|"
                     r"re-?check|appointment|next visit|review in|back in \w+ (days?|weeks?|months?))\b", re.IGNORECASE)
_RESULT = re.compile(r"\b(result|showed|shows|came back|x-?ray|scan|mri|ct|ultrasound|echo\w*|ecg|ekg|blood test|"
                     r"level|a1c|cholesterol|blood pressure)\b", re.IGNORECASE)
_DOSE = re.compile(r"\b\d+(\.\d+)?\s*(mg|milligrams?|mcg|micrograms?|g|ml|units?|puffs?|tablets?|%)",
                   re.IGNORECASE)
_SEEK_HELP = re.compile(r"\b(call|contact|phone|email|come (back|in)|go to|seek|return|let (us|the clinic|me) know|"
                        r"get help|be seen)\b", re.IGNORECASE)
_PLEASANTRY = re.compile(r"\b(good to see you|nice to (see|meet) you|thank(s| you)|take care|"
                         r"have a (good|nice|great))\b", re.IGNORECASE)
_OFFLINE_WRITER = "summary from the note (no language model)"
HEADINGS = (FOUND, TODO, MEDICINES, RETURN, WARNING)
NOTHING_SAID = {FOUND: "Nothing your clinician found was recorded for this visit.",
                TODO: "No steps for you were recorded at this visit.",
                MEDICINES: "No medicine was prescribed, changed or stopped at this visit.",
                RETURN: "No time to come back was set at this visit.",
                WARNING: "No warning signs were talked about at this visit."}
COVERED = 0.8  # a line whose content words are this much in lines already kept says nothing new
_GENERIC = {"not", "no", "you", "your", "you're", "we", "we'll", "our", "us", "have", "having", "has", "had", "get",
            "getting", "take", "make", "would", "should", "say", "said", "just", "will", "can", "could", "may",
            "might", "also", "any", "some", "about", "like", "want", "need", "going", "this", "that", "with", "from",
            "into", "them", "they", "their", "there", "here", "then", "well", "really", "very", "sure", "okay",
            "come", "back", "noted", "clinician"}
_HEDGE_START = re.compile(r"^(likely|probably|probable|possibly|possible|suspected|presumed|presumably)\s+(.+)$",
                          re.IGNORECASE)
# A finding written as a phrase ("Plaque psoriasis.", "ECG: sinus rhythm."), not a stray piece of speech.
_FINDING = re.compile(r"^(?!(?:next|and|again|just|so|then|also|here|there|now|or|but|we|you|i|it|they|he|she|"
                      r"this|that)\b)[^,]{3,80}\.$",
                      re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^follow[- ]?up in (.+?)\.?$", re.IGNORECASE)


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade; 0 for an empty text."""
    import textstat  # imported on use: the CLI starts without it (e.g. `note` without --summary)

    return float(textstat.flesch_kincaid_grade(text)) if text.strip() else 0.0


def _speaker(evidence: list[str], transcript: Transcript | None) -> str:
    """Who said the statement, when it is a quote of one speaker (extractive notes)."""
    if transcript is None or not evidence:
        return ""
    roles = {u.role for u in (transcript.by_id(e) for e in evidence) if u is not None}
    return roles.pop() if len(roles) == 1 else ""


def _part_for(role: str, text: str) -> str | None:
    if role == "plan" and _DOSE.search(text):
        return TODO  # a dose to take is what to do, even when it is conditional ("if the pain persists, take …")
    if role in ("plan", "assessment", "medications") and _EMERGENCY.search(text):
        return WARNING
    if role in ("plan", "assessment") and _RETURN.search(text):
        return RETURN  # "come back in 2 weeks if it is not better" is when to come back
    if role in ("plan", "assessment", "medications") and _WARNING.search(text) and _SEEK_HELP.search(text):
        return WARNING  # a sign to watch for, and what the patient should then do
    if role == "plan":
        return TODO
    if role == "medications":
        return MEDICINES
    if role == "assessment":
        return FOUND
    if role == "objective" and _RESULT.search(text):
        return FOUND
    return None


def as_whole_sentence(sentence: str, heading: str) -> str | None:
    """`sentence` as the patient reads it, or None when it is not a whole sentence. A finding written as a bare
    phrase becomes one, its hedge kept ("Likely viral bronchitis." → "This is likely viral bronchitis.")."""
    problem = sentence_problem(sentence)
    if problem in (NO_VERB, TOO_SHORT) and heading == FOUND and _FINDING.match(sentence) and not has_verb(sentence):
        body = sentence.rstrip(".! ")
        hedge = _HEDGE_START.match(body)
        if hedge:
            word = {"probable": "probably", "possible": "possibly", "suspected": "possibly",
                    "presumed": "probably", "presumably": "probably"}.get(hedge.group(1).lower(),
                                                                          hedge.group(1).lower())
            sentence = f"This is {word} {hedge.group(2)}."
        else:
            sentence = f"Your clinician noted {body[:1].lower() + body[1:] if body[1:2].islower() else body}."
        problem = sentence_problem(sentence)
    return sentence if problem is None else None


def _follow_up_line(text: str) -> str:
    m = _FOLLOW_UP.match(text.strip())
    return f"Come back for a follow-up visit in {m.group(1)}." if m else for_patient(text)[0]


def visit_parts(transcript: Transcript) -> dict[str, list[SourcedSentence]]:
    """Each part's lines from the visit's own words (the doctor's impression, advice, the medicine list, the
    follow-up, warning signs): each line cites its utterances; a line stating a number or naming a drug its
    utterances do not, or that is not a whole sentence, is left out."""
    slots = visit_slots(transcript)
    said = {u.id: u.text for u in transcript.utterances}
    medicines: list[MedicineLine] = medicine_list(slots.medications, transcript)
    warnings = warning_signs(transcript)
    warned = {a.text for a in warnings}
    candidates = {
        # Each piece of a long sentence is kept only when it is itself an impression, or advice.
        FOUND: [(line, a.evidence) for a in impressions(transcript) for line in for_patient(a.text, DOCTOR)
                if is_impression(line)],
        TODO: [(line, a.evidence) for a in instructions(transcript) if a.text not in warned
               for line in for_patient(a.text, DOCTOR) if is_instruction(line)],
        MEDICINES: [(medicine_for_patient(m), m.evidence) for m in medicines],
        # The slots' interval ("Follow up in 3 months."), else the doctor's own sentence ("in a couple weeks").
        RETURN: [(_follow_up_line(f.text), f.evidence) for f in slots.follow_up] or
                [(line, a.evidence) for a in return_visits(transcript) for line in for_patient(a.text, DOCTOR)
                 if _RETURN.search(line)],
        WARNING: [(line, a.evidence) for a in warnings for line in for_patient(a.text, DOCTOR)],
    }
    out: dict[str, list[SourcedSentence]] = {}
    for heading, lines in candidates.items():
        kept: list[SourcedSentence] = []
        for text, evidence in lines:
            cited = " ".join(said.get(e, "") for e in evidence)
            honest = spoken_numbers(text) <= spoken_numbers(cited) and drug_names(text) <= drug_names(cited)
            if honest and sentence_problem(text) is None and not _says_again(text, kept):
                kept.append(SourcedSentence(text, evidence=list(evidence)))
        out[heading] = kept
    out[TODO] = [s for s in out[TODO] if not _said_by_a_medicine_line(s.text, out[MEDICINES])
                 and not _says_again(s.text, out[RETURN])]
    return out


def _content(text: str) -> set[str]:
    """Content words, cut to five letters so "order" and "ordered" count as one."""
    return {w[:5] for w in content_words(text) if w not in _GENERIC and len(w) > 2}


def _says_again(text: str, kept: list[SourcedSentence]) -> bool:
    """Whether `text` adds nothing to `kept`: its content words are mostly there, and its numbers all are."""
    words = _content(text)
    there = {w for s in kept for w in _content(s.text)}
    numbers_there = set().union(*(spoken_numbers(s.text) for s in kept)) if kept else set()
    return bool(words) and len(words & there) >= COVERED * len(words) and spoken_numbers(text) <= numbers_there


def _said_by_a_medicine_line(sentence: str, medicine_lines: list[SourcedSentence]) -> bool:
    """A plan line whose drugs and numbers the medicine list already says (no need to say it twice)."""
    low = sentence.lower()
    naming = [line for line in medicine_lines if any(w in low for w in _drug_words(line.text))]
    said = set().union(*(spoken_numbers(line.text) for line in naming)) if naming else set()
    return bool(naming) and spoken_numbers(sentence) <= said


def _drug_words(line: str) -> list[str]:
    return [w for w in re.findall(r"[a-z][a-z-]{3,}", line.split(":")[0].lower()) if w not in _NOT_DRUG]


_NOT_DRUG = {"start", "stop", "keep", "taking", "take", "change", "your", "told", "dose", "changes", "with",
             "clinician"}


def summarize(note: Note, template: NoteTemplate | None = None, transcript: Transcript | None = None, *,
              clinician: str = "") -> PatientSummary:
    """The summary; `clinician` signs it (the display name; "" leaves it an unsigned draft)."""
    parts = {heading: SummaryPart(heading, nothing_said=NOTHING_SAID[heading]) for heading in HEADINGS}
    from_visit = visit_parts(transcript) if transcript is not None else {}
    for part_heading, lines in from_visit.items():
        parts[part_heading].sentences += lines
    roles = section_roles(template, [s.key for s in note.sections])
    seen: set[str] = {s.text.lower() for lines in from_visit.values() for s in lines}
    for section in note.sections:
        for index, statement in enumerate(section.statements):
            if statement.unsupported:
                continue
            for said in for_patient(statement.text, _speaker(statement.evidence, transcript)):
                heading = _part_for(roles[section.key], said)
                if heading is None or _PLEASANTRY.search(said):
                    continue
                if heading in (MEDICINES, WARNING) and heading in from_visit:
                    continue  # the visit's own words are the list; the note's wording would say it twice
                if heading == RETURN and from_visit.get(RETURN):
                    continue
                if heading == TODO and _said_by_a_medicine_line(said, from_visit.get(MEDICINES, [])):
                    continue
                sentence = as_whole_sentence(said, heading)
                # "Likely bronchitis" never reaches the patient as "you have bronchitis": a sentence that lost
                # its statement's hedge in the rewording is left out rather than told as certain.
                if sentence is None or sentence.lower() in seen or dropped_hedge(sentence, [statement.text]):
                    continue
                if any(_says_again(sentence, lines) for lines in from_visit.values()):
                    continue  # the visit's own words already say it
                seen.add(sentence.lower())
                parts[heading].sentences.append(SourcedSentence(sentence, [statement_ref(section.key, index)]))
    return graded(PatientSummary(parts=list(parts.values()), reading_grade=0.0, writer=_OFFLINE_WRITER,
                                 clinician=clinician))


def graded(summary: PatientSummary) -> PatientSummary:
    """The summary with its whole-sentence check and, only when every sentence passes, its reading grade."""
    summary.whole_sentences = all(sentence_problem(s.text) is None for s in summary.sentences())
    summary.reading_grade = reading_grade(" ".join(s.text for s in summary.sentences())) \
        if summary.whole_sentences else 0.0
    return summary
