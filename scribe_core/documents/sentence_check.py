"""Is this a whole sentence a patient can read on its own? The gate every after-visit summary line passes.

    sentence_problem("You have a cold.")                               → None (fine)
    sentence_problem("We want.")                                       → "it stops before its object"
    sentence_problem("Your clinician doesn't think it does anything.") → "it says 'it' without saying what"
    sentence_problem("Do you smoke?")                                  → "it is a question"

A whole sentence has a subject and a verb (or is an instruction: "Take ibuprofen 400 mg."), ends with a
full stop, keeps no first person from the clinician's speech ("I think ..."), mixes no "you" with a
"they" that means the patient, and ends on a word that finishes it (not "for", "but", "want").
The summary leaves out a line that fails; the reading grade of a summary is shown only when every line
passes (a grade measured on fragments says nothing about what the patient will understand).
"""

from __future__ import annotations

import re

_FINITE = re.compile(
    r"\b(?:is|are|was|were|am|be|has|have|had|do|does|did|will|would|can|could|should|may|might|must|shall|"
    r"need|needs|take|takes|took|get|gets|got|go|goes|went|feel|feels|felt|seem|seems|look|looks|sound|sounds|"
    r"think|thinks|want|wants|see|sees|saw|show|shows|showed|came|come|comes|started|stopped|found|noted|"
    r"told|said|use|uses|keep|keeps|make|makes|help|helps|hurt|hurts|\w+ed|\w+n't)\b|'(?:s|re|ll|ve|d|m)\b|"
    r"\b(?:it|this|that|he|she|(?:your|the|our) \w+)\s+\w+s\b",
    re.IGNORECASE)
_IMPERATIVE = (r"(?:please\s+)?(?:just\s+)?(?:take|start|stop|keep|continue|call|come|go|return|rest|drink|eat|avoid|"
               r"stay|use|get|make|try|apply|check|walk|follow|book|bring|see|watch|let|ask|tell|limit|cut|wear|"
               r"put|do|don't|never|always|change|increase|decrease|lower|raise|seek|phone|contact|schedule|give)\b")
# An instruction: at the start, or after a condition ("If it gets worse, call us.").
_INSTRUCTION = re.compile(rf"^{_IMPERATIVE}|,\s+{_IMPERATIVE}", re.IGNORECASE)
# A clause that cannot stand alone: "'cause ...", "which ...", or a verb with nothing before it ("Might be ...").
_SUBORDINATE_START = re.compile(r"^(?:(?:just |only )?to [a-z]+|because|'cause|cause|cos|which|who|whom|whose|"
                                r"whereas|although|though|"
                                r"might|may|could|would|should|will|can|is|are|was|were|has|have|had|did|does|"
                                r"and|but|or|so|or)\b", re.IGNORECASE)
_PREPOSITION_START = re.compile(r"^(?:at|in|on|by|for|with|of|to|from|as|about|after|before|since|until|"
                                r"while|when|if|here|there)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i'll|i've|i'd|me|my|mine|myself)\b", re.IGNORECASE)
_THIRD = re.compile(r"\b(?:they|them|their|theirs|themselves|they're|they've|they'll|she|he|her|him|his|hers|"
                    r"she's|he's|she'll|he'll|she'd|he'd)\b", re.IGNORECASE)
# A sentence ending on these stops before it is finished ("... like Tylenol cold for example, but for.").
_DANGLING_END = re.compile(
    r"\b(?:for|but|and|or|so|to|of|with|the|a|an|like|because|if|than|from|at|into|our|"
    r"your|my|is|are|was|were|be|will|would|can|could|should|want|need|make|get|give|take|say|think|just|"
    r"which|who|when|where|while|until|very|really|some|any|doing)\s*[.!]$", re.IGNORECASE)
# A verb with no subject in front of it: "would say will just wait", "in this time period will just get".
_MISSING_SUBJECT = re.compile(r"\b(?:say|says|said|think|thinks|guess|period|time|then|now|case|also|just|here)\s+"
                              r"(?:will|would|can|should|just will)\b|,\s+(?:will|would|should|might)\s+(?!you|we)"
                              r"|\b(?:and|or|but),\s", re.IGNORECASE)
# An opinion about "it" with nothing else named: the patient cannot tell what "it" is.
_VAGUE = re.compile(r"^(?:your clinician|we)\s+(?:do(?:es)?n't|do(?:es)? not)?\s*(?:think|believe|feel)s?\s+"
                    r"(?:it|that|this)\b", re.IGNORECASE)
_GARBLED = re.compile(r"\b(?:you is|you has|you was|you does|them is|us is)\b|"
                      r"\b(?:your|the|a|an|our|of) (?:it|this|that|you|we|us)\b(?! (?:is|are|was|were)\b)|"
                      r"\band will\b|\b(?:we're|you're|they're) (?:recommend|want|need|think|suggest)\b|"
                      r",\s+(?:are|is|am|was|were)\s+(?:just\s+)?going\b", re.IGNORECASE)
# Speech that restarts ("in about, in a couple of days", "30, 30"), corrects itself, or trails off ("day-.").
_FILLER = re.compile(r"\b(?:um+|uh+|eh|mhm|mm-?hmm|you know|kind of|kinda|sort of|sorta|gonna|wanna|sorry|i mean|"
                     r"or rather|notate|slash)\b|\blike,|\w-[.!]$|\b(\w+),? \1\b|\b(\w+'\w+) \w+ \2\b|"
                     r"\b(\w+ \w+) (?:\w+ ){0,3}\3\b|"
                     r"\b(?:about|around|like|in|of|to|the|a|an|with|for|your|our|just|probably|maybe|basically|"
                     r"really|actually),\s", re.IGNORECASE)
MIN_WORDS = 3
NO_VERB, TOO_SHORT = "it has no verb", "it is too short to say anything whole"


def sentence_problem(text: str) -> str | None:
    """Why `text` is not a whole sentence a patient understands on its own, or None when it is."""
    text = " ".join(text.split())
    words = re.findall(r"[A-Za-z0-9'%./-]+", text)
    if not text:
        return "it is empty"
    if text.endswith("?"):
        return "it is a question"
    if text[-1] not in ".!":
        return "it does not end as a sentence does"
    if len(words) < MIN_WORDS:
        return TOO_SHORT
    if _DANGLING_END.search(text):
        return "it stops before its object or its last clause"
    if _FIRST_PERSON.search(text):
        return "it keeps the clinician's 'I' (the patient would read it as themselves)"
    if _THIRD.search(text):
        return "it says 'they' where the patient cannot tell who is meant"
    if _MISSING_SUBJECT.search(text) or _GARBLED.search(text):
        return "a verb in it has no subject"
    if _VAGUE.search(text) and len(words) < 10:
        return "it says 'it' without saying what"
    if _FILLER.search(text):
        return "it keeps spoken filler or a correction"
    if _SUBORDINATE_START.match(text):
        return "it is part of a sentence (it starts where a clause does)"
    if not (_INSTRUCTION.search(text) or _FINITE.search(text)):
        return "it is a phrase, not a sentence" if _PREPOSITION_START.match(text) else NO_VERB
    return None


def has_verb(text: str) -> bool:
    """A finite verb, or an instruction's opening verb ("Take ...")."""
    return bool(_INSTRUCTION.search(text) or _FINITE.search(text))


def is_whole_sentence(text: str) -> bool:
    return sentence_problem(text) is None


def lines_to_check(document_text: str) -> list[str]:
    """The sentences of a summary as shown or edited: every "- " bullet, and every other line that ends as a
    sentence does (a heading or the "Your clinician: ..." signature does not)."""
    out = []
    for raw in document_text.splitlines():
        line = raw.strip()
        if line.startswith("- "):
            out.append(line[2:].strip())
        elif line and line[-1] in ".!?" and not line.startswith("Unsigned draft:"):
            out.append(line)
    return out


def failing_lines(document_text: str) -> list[tuple[str, str]]:
    """(line, problem) for every bullet of an edited summary that is not a whole sentence."""
    return [(line, problem) for line in lines_to_check(document_text)
            if (problem := sentence_problem(line)) is not None]
