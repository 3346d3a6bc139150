"""Pertinent positives and negatives from the doctor's questions and the patient's answers.

D: "Any fevers or chills?"  P: "No."  ->  "Denies fevers or chills."  citing both utterances.
D: "Do you have a cough?"   P: "Yeah, a little."  ->  "Endorses a cough."
Only yes/no questions about a finding are used; the topic is the question's own words, so the
fact cannot name anything the doctor did not ask about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cleanup import clean

_TOPIC = re.compile(
    r"(?:^|\b)(?:any|do you have|did you have|"
    r"have you (?:[a-z]+ ){0,12}?(?:had|noticed|experienced|been having|been experiencing|felt|"
    r"got|gotten|been)|are you (?:having|experiencing|getting|feeling)|were you (?:having|experiencing)|"
    r"is there (?:any)?|how about|what about)\s+(?:any\s+)?(?:other\s+)?(.+)$", re.IGNORECASE)
_TRAILING = re.compile(r"\s*(?:at all|lately|recently|or anything(?: like that)?|or something(?: like that)?|"
                       r"anything like that|that you(?:'ve)? noticed|or not|right now|currently|today|as well|too|"
                       r"with (?:that|this|it)|associated with (?:that|this|it)|"
                       r"that (?:you|the patient) (?:know|can think) of|"
                       r"anything like that|or anything else)\s*[,.]?$", re.IGNORECASE)
_NO = re.compile(r"^\s*(no|nope|nah|not really|not at all|never|none|nothing|negative|i don't|i haven't|i didn't|"
                 r"i do not|i have not|not that i)\b", re.IGNORECASE)
_YES = re.compile(r"^\s*(yes|yeah|yep|yup|mhm|mm-hmm|uh-huh|i do|i have|i did|a little|sometimes|definitely|"
                  r"correct|right|sure|absolutely|occasionally)\b", re.IGNORECASE)
# Topics that are not findings: questions about understanding, plans, logistics.
_NOT_A_FINDING = re.compile(r"\b(questions?|concerns?|plan|okay|alright|understand|sound good|make sense|"
                            r"time|appointment|insurance|help|idea|chance|thoughts|else|other (questions|concerns))\b",
                            re.IGNORECASE)


_PLAIN_VERBS = {"notic", "experienc", "had", "seen", "fel", "gott", "need", "us", "tri", "want", "talk"}
_NOT_A_TOPIC_START = {"do", "did", "does", "is", "are", "was", "the", "that", "this", "it", "how", "what", "when",
                      "where",
                      "why", "who", "which", "more", "other", "time", "reason"}


# A topic must name a finding, a symptom or a piece of history: the lay words doctors ask about.
FINDING_WORD = re.compile(
    r"\b(fevers?|chills?|cough\w*|pain\w*|aches?|aching|sore|nause\w*|vomit\w*|diarrh\w*|constipat\w*|blood|bleed\w*|"
    r"rash\w*|swell\w*|swollen|short\w* of breath|breath\w*|dizz\w*|light-?headed\w*|headaches?|weight|numb\w*|"
    r"tingl\w*|"
    r"weak\w*|fatigue\w*|tired\w*|sweat\w*|palpitat\w*|racing|travel\w*|sick|smok\w*|alcohol|drink\w*|drugs?|allerg\w*|"
    r"burn\w*|urin\w*|discharge|congest\w*|runny|stuffy|throat|wheez\w*|sputum|phlegm|vision|hearing|appetite|sleep\w*|"
    r"mood|depress\w*|anxi\w*|suicid\w*|harm\w*|chest|stiff\w*|cramp\w*|faint\w*|pass(ed)? out|seizures?|bruis\w*|"
    r"itch\w*|lumps?|masses|heartburn|reflux|bloat\w*|stools?|bowel|period|pregnan\w*|injur\w*|falls?|trauma|"
    r"taste|smell|contacts?|symptoms?|problems? (with|swallowing)|swallow\w*|jaundice|edema|incontinen\w*|"
    r"medications?|medicines?|vitamins|supplements)\b",
    re.IGNORECASE)


# Habits are asked with their verb: "do you smoke cigarettes?", "have you smoked in the past?".
_HABIT = re.compile(r"\b(?:(?:do|did) you (?:currently |still |ever )?(smoke|drink|use|vape|chew)|have you "
                    r"(?:ever )?(smoked|drunk|drank|used|vaped))\b\s*(.*)$", re.IGNORECASE)
_GERUND = {"smoke": "smoking", "smoked": "smoking", "drink": "drinking", "drunk": "drinking", "drank": "drinking",
           "use": "using", "used": "using", "vape": "vaping", "vaped": "vaping", "chew": "chewing"}
_TAKING = re.compile(r"\b(?:are you|have you been|you're|you are|is she|is he)\s+(?:still\s+)?taking\s+"
                     r"(?:the\s+|your\s+|any\s+)?(.+?)[?.\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Answered:
    topic: str  # the finding asked about, in the doctor's words ("fevers or chills")
    present: bool
    question_id: str
    answer_id: str
    answer_text: str
    medication: bool = False  # "are you taking the lisinopril 20 milligrams?"


_PRESSED = re.compile(r"\bwhen i (?:push|press) (?:on |down on )?(?:your |the )?(?!here\b|there\b)([a-z]+(?: [a-z]+)?)"
                      r"\s*(?:,|\bdo\b|\bdoes\b)", re.IGNORECASE)


def topic_of(question: str) -> str | None:
    """The finding a yes/no question asks about, or None when it asks about something else."""
    q = clean(question).rstrip("?. ").strip()
    habit = _HABIT.search(q)
    m = _TOPIC.search(q)
    if habit:  # "do you smoke cigarettes at all?" -> "smoking cigarettes"
        verb = (habit.group(1) or habit.group(2)).lower()
        q = q[:habit.start()] + "any " + _GERUND[verb] + " " + habit.group(3)
        m = _TOPIC.search(q)
    if not m:
        return None
    topic = re.split(r",?\s+or (?:do|are|is|have|did|does)\b|,\s*or\s*$", m.group(1))[0]
    # "coughed up any blood": the action is part of the finding ("coughing up blood").
    acted = re.search(r"\b([a-z]{3,})ed( up)? any\s+$", q[: m.start(1)])
    if acted and acted.group(1) not in _PLAIN_VERBS:
        topic = f"{acted.group(1)}ing{acted.group(2) or ''} {topic}"
    # "loss of taste of, sorry, loss of sense of taste or smell": what the doctor corrected it to.
    topic = re.split(r",?\s*\b(?:sorry|i mean|rather)\b,?\s*", topic)[-1]
    topic = re.sub(r"^(?:that|this|those|these)\s+|^symptoms? of (?:an? )?|^(?:issues?|problems?|trouble) with ", "",
                   topic)
    topic = re.sub(r"\byour\s+", "", topic, flags=re.IGNORECASE)
    # "any other symptoms, like shortness of breath, chest pain": the list is the topic.
    listed = re.search(r"\blike\s+(?:any\s*,?\s*)?(.+)$", topic)
    if listed and "," in listed.group(1):
        topic = listed.group(1)
    topic = re.sub(r"\bany (kind of |sort of )?", "", topic)
    prev = None
    while prev != topic:
        prev = topic
        topic = _TRAILING.sub("", topic).strip(" ,")
    topic = re.sub(r"\b(you|your)\b", lambda w: "the patient" if w.group(0).lower() == "you" else "the patient's",
                   topic, flags=re.IGNORECASE)
    pressed = _PRESSED.search(q)  # "when i push on your lower belly, do you have any pain": where it was asked
    if pressed and topic in ("pain", "tenderness", "discomfort"):
        topic = f"{topic} on pressing the {pressed.group(1)}"
    words = topic.split()
    if words and words[0].lower() in _NOT_A_TOPIC_START:
        return None
    if not FINDING_WORD.search(topic) or re.search(r"\.\.|-$|\bthe patient\b|\b(here|there)\b", topic):
        return None
    if not 1 <= len(words) <= 9 or _NOT_A_FINDING.search(topic) or re.search(r"\b(i|me|my|we)\b", topic, re.I):
        return None
    return topic


_LEAD_FILLER = re.compile(r"^(?:\s*(?:uhm+|u+m+|u+h+|hmm|well|oh|so|okay|ok)\b\s*,?\s*)+", re.IGNORECASE)


def answer_polarity(answer: str) -> bool | None:
    """True for yes, False for no, None when the answer is neither."""
    a = _LEAD_FILLER.sub("", answer)
    if _NO.match(a):
        return False
    if _YES.match(a):
        return True
    return None


def answered_questions(pairs: list[tuple[str, str, str, str]]) -> list[Answered]:
    """From (question_id, question_sentence, answer_id, answer_first_sentence) tuples."""
    out = []
    from .support import drug_names

    for qid, question, aid, answer in pairs:
        taking = _TAKING.search(clean(question))
        polarity = answer_polarity(answer)
        if taking and drug_names(taking.group(1)) and polarity is not None and len(taking.group(1).split()) <= 8:
            out.append(Answered(taking.group(1), polarity, qid, aid, answer, medication=True))
            continue
        topic = topic_of(question)
        if topic is None or polarity is None:
            continue
        # "No dizziness, but ..." to a list question denies only what it names.
        named = re.match(r"^\W*no\s+([a-z][a-z ]{2,40}?)\s*(?:[,.;]|\bbut\b|$)", _LEAD_FILLER.sub("", answer), re.I)
        if not polarity and named and named.group(1).lower() not in ("no", "not really"):
            if named.group(1).lower() not in topic.lower():
                continue
            topic = named.group(1)
        medicines = bool(_MEDICINES.search(topic)) and not polarity  # "no regular medications" is a medicine line
        out.append(Answered(topic, polarity, qid, aid, answer, medication=medicines))
    return out


# "any regular medications?", "any medications in the er?": answered no, a medicine line ("No medications in the
# ER."), not a symptom denied.
_MEDICINES = re.compile(r"^(?:regular |daily |current |other |prescription )?(?:medications?|medicines?|pills)"
                        r"(?:\s+(?:in|at|from|for)\s+[a-z ]{2,30})?$", re.IGNORECASE)


def _drug_named(text: str) -> bool:
    from .support import drug_names

    return bool(drug_names(text))


def statement_for(a: Answered) -> str:
    if a.medication and not a.present and not _drug_named(a.topic):  # "any regular medications?" / "no"
        return "No " + re.sub(r"^(?:any|the|your)\s+", "", a.topic) + "."
    if a.medication:
        return f"{'Takes' if a.present else 'Not taking'} {a.topic}."
    topic = re.sub(r"^(a|an|the)\s+", "", a.topic) if not a.present else a.topic
    verb = "Endorses" if a.present else "Denies"
    return f"{verb} {topic}."
