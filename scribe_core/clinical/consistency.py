"""Consistency check: note statements that their cited utterances do not back, with the reason.

For any note (an LLM draft above all, or one a clinician edited): a statement is flagged when it
cites no utterance or one that does not exist, when a number, drug name or negation in it is absent
from what it cites, or when it contradicts a yes/no answer it cites ("Denies cough." citing
"Any cough?" / "Yes, a bit."). Lines the clinician wrote are their own word and are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import DOCTOR, PATIENT, Note, Transcript
from .facts import content_terms
from .questions import answer_polarity, topic_of
from .segment import sentences
from .support import negated, unsupported_claims


@dataclass(frozen=True)
class Flag:
    section: str  # the note section key
    statement: str
    evidence: list[str]
    reasons: list[str]

    def label(self) -> str:
        cited = ", ".join(self.evidence) or "no utterance"
        return f"{self.statement} [{cited}]: {'; '.join(self.reasons)}"


def _answered(transcript: Transcript, evidence: list[str]) -> list[tuple[str, bool]]:
    """(topic, answered yes) for each cited doctor question whose next utterance, the answer, is cited too
    or directly follows it."""
    out = []
    index = {u.id: i for i, u in enumerate(transcript.utterances)}
    for uid in evidence:
        i = index.get(uid)
        if i is None or transcript.utterances[i].role != DOCTOR or i + 1 >= len(transcript.utterances):
            continue
        answer = transcript.utterances[i + 1]
        if answer.role != PATIENT:
            continue
        asked = sentences(transcript.utterances[i].text)
        replies = sentences(answer.text)
        if not asked or not replies:
            continue
        topic, yes = topic_of(asked[-1]), answer_polarity(replies[0])
        if topic is not None and yes is not None:
            out.append((topic, yes))
    return out


def check_statement(transcript: Transcript, text: str, evidence: list[str]) -> list[str]:
    """Reasons a statement is not backed by its citations (empty when it is)."""
    if not evidence:
        return ["cites no utterance"]
    by_id = {u.id: u.text for u in transcript.utterances}
    missing = [e for e in evidence if e not in by_id]
    if missing:
        return [f"cites {', '.join(missing)}, which the transcript does not have"]
    reasons = [p.reason() for p in unsupported_claims(text, [by_id[e] for e in evidence])]
    words = set(content_terms(text))
    for topic, yes in _answered(transcript, evidence):
        terms = set(content_terms(topic))
        if not terms or not terms & words:
            continue
        if yes and negated(text):
            reasons.append(f"the patient answered yes about {topic!r}, but the statement negates it")
        elif not yes and not negated(text):
            reasons.append(f"the patient answered no about {topic!r}, but the statement does not say so")
    return reasons


def check_consistency(transcript: Transcript, note: Note) -> list[Flag]:
    flags = []
    for section in note.sections:
        for st in section.statements:
            if st.added_by_clinician:
                continue
            reasons = check_statement(transcript, st.text, st.evidence)
            if reasons:
                flags.append(Flag(section.key, st.text, list(st.evidence), reasons))
    return flags
