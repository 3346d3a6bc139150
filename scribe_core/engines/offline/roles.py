"""Guess which speaker label is the clinician and which the patient.

Diarization only says "A" and "B". In a consultation the clinician steers with questions and the
patient reports in the first person, so each speaker gets a score:

    clinician_score = questions per utterance            (utterances ending in "?")
                    + 0.5 * question openers per utterance ("do you", "have you", "any", "how long")
                    - 2.0 * first-person words per word    ("I", "my", "me", "I'm")
                    + 0.1 if this speaker talks first      (the clinician usually opens)

The highest score takes the first role of the request (Doctor by default), the next the second
(Patient); any further speakers keep a neutral "Speaker C" role. It is a guess: the transcript is
marked roles_confirmed=False and the UI lets the clinician swap roles.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ...model import Utterance

_OPENERS = re.compile(
    r"\b(do you|did you|have you|has it|are you|is it|is there|any|can you|could you|how long|"
    r"how much|how often|when did|what brings|tell me|does it|did it|were you|would you say)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|my|me|myself)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w']+")


def clinician_scores(utterances: list[Utterance]) -> dict[str, float]:
    stats: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0])  # utts, words, questions+openers, first person
    questions: dict[str, int] = defaultdict(int)
    for u in utterances:
        s = stats[u.speaker or "A"]
        s[0] += 1
        s[1] += len(_WORD.findall(u.text))
        questions[u.speaker or "A"] += u.text.count("?")
        s[2] += len(_OPENERS.findall(u.text))
        s[3] += len(_FIRST_PERSON.findall(u.text))
    first = utterances[0].speaker if utterances else None
    scores = {}
    for label, (n_utts, n_words, openers, first_person) in stats.items():
        n_utts, n_words = max(n_utts, 1), max(n_words, 1)
        scores[label] = (questions[label] / n_utts + 0.5 * openers / n_utts
                         - 2.0 * first_person / n_words + (0.1 if label == first else 0.0))
    return scores


def assign_roles(utterances: list[Utterance], roles: tuple[str, ...]) -> dict[str, str]:
    """Speaker label -> role, best clinician score first."""
    scores = clinician_scores(utterances)
    ranked = sorted(scores, key=lambda label: -scores[label])
    return {label: roles[i] if i < len(roles) else f"Speaker {label}" for i, label in enumerate(ranked)}
