"""What the patient confirmed: a doctor's question naming a drug or a number, answered yes, as a statement.

D "Are you still taking the metformin, a thousand milligrams twice a day?"  P "Yes."
    -> "The patient is still taking the metformin, 1000 mg twice daily."  citing both utterances.
D "You're allergic to augmentin, is that right?"  P "Yeah."  ->  "The patient is allergic to augmentin."
Only a yes makes a statement (a no to "are you taking X" is the medication fact of questions.py); only
questions whose subject is the patient ("are you", "do you", "have you", "you're ...") are turned round,
so "is it worse at night?" (what is "it"?) never becomes a statement. The statement is the question's
own words, so it can carry no number, drug or negation the doctor did not say; the support check still
runs on it.
"""

from __future__ import annotations

import re

from ..model import DOCTOR
from .cleanup import clean
from .questions import answer_polarity
from .register import Pronouns
from .support import drug_names, spoken_numbers
from .wording import note_sentences

_LEAD = re.compile(r"^(?:(?:okay|ok|alright|all right|and|so|now|well|um+|uh+|great|good|then|also)\b[\s,.]*)+",
                   re.IGNORECASE)
# A request to confirm at the end of a statement: "..., is that right?", "..., correct?".
_CONFIRM = re.compile(r"[\s,]*\b(?:is that (?:right|correct)|right|correct|is that true|yes)\s*\??\s*$",
                      re.IGNORECASE)
# Questions about the patient turned round into statements, still in the second person for register.py.
_INVERTED = [
    (re.compile(r"^are you\b", re.IGNORECASE), "you are"),
    (re.compile(r"^have you\b", re.IGNORECASE), "you have"),
    (re.compile(r"^do you\b", re.IGNORECASE), "you"),
]
_DECLARATIVE = re.compile(r"^(?:you're|you are|you have|you've|you take|you use|you were|you had|you went|you rate|"
                          r"you still|it looks like you|i (?:see|have) (?:here )?that you)\b", re.IGNORECASE)
# Where the question about the patient begins in a turn that runs on without punctuation
# ("okay that's okay are you taking the lisinopril i think we have you on twenty milligrams a day").
_OPENER = re.compile(r"(?<!\bwe )(?<!\bi )(?<!\bthey )\b(?:are you|have you|do you|you're|you are|it looks like you)\b",
                     re.IGNORECASE)
# "... the lisinopril i think we have you on twenty milligrams a day": the dose the clinician recalls.
_WE_HAVE_YOU_ON = re.compile(r"[\s,]*\b(?:(?:i think|i believe|i see) )?(?:that )?we (?:have|had|put) you on\b",
                             re.IGNORECASE)
_OR_CHOICE = re.compile(r"\bor\b", re.IGNORECASE)


def _declarative(question: str) -> str | None:
    q = clean(question)
    asked = q.rstrip().endswith("?")
    openers = list(_OPENER.finditer(q))
    q = q[openers[-1].start():] if openers else _LEAD.sub("", q)
    q = _WE_HAVE_YOU_ON.sub(",", q)
    confirm = _CONFIRM.search(q)
    q = (q[: confirm.start()] if confirm else q).strip(" ,?.")
    for pattern, replacement in _INVERTED:
        if pattern.match(q):
            return pattern.sub(replacement, q, count=1)
    # A statement said as a question ("and you're still on your metformin?") asks the patient to confirm it.
    return q if _DECLARATIVE.match(q) and (confirm or asked) else None


def confirmed_statements(question: str, answer: str, pronouns: Pronouns) -> list[str]:
    """The question as what the patient confirmed, in the note's register; [] when it is not one."""
    if answer_polarity(answer) is not True:
        return []
    said = _declarative(question)
    # "200's or 300's?" asks the patient to choose: a yes confirms neither.
    if not said or _OR_CHOICE.search(said) or not (drug_names(said) or spoken_numbers(said)):
        return []
    return note_sentences(said, DOCTOR, pronouns)
