"""Which note section a spoken sentence belongs to, learned from public visit notes.

A multinomial logistic regression over words, bigrams, the speaker's role and the sentence's place
in the visit, trained (scripts/train_section_model.py) on ACI-Bench train + valid with weak labels:
each dialogue sentence takes the section of the reference-note sentence it overlaps most, or "none".
The weights are plain JSON (`section_model.json`), read here with no scikit-learn at run time and
no pickle.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LABELS = ("none", "subjective", "exam", "results", "assessment_plan")
MODEL_PATH = Path(__file__).with_name("section_model.json")

_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred)\b")


# Word-group features: the model learns how much each group counts, so a vital sign or a drug dose it
# never saw in training still carries its group's weight.
CUE_GROUPS = {
    "vital": re.compile(r"\b(blood pressure|heart rate|pulse|temperature|oxygen|saturation|sats|respiratory rate|bpm|"
                        r"mmhg|vitals?|\d+ over \d+|weight is|bmi)\b"),
    "exam": re.compile(r"\b(exam\w*|auscultat\w*|palpat\w*|tender\w*|swelling|swollen|murmur|lungs?|heart (sounds|is)|"
                       r"clear|range of motion|edema|reflex\w*|appreciate|bruit|rales|wheez\w*|crackles|sensation|"
                       r"strength|effusion|erythema|rash)\b"),
    "result": re.compile(r"\b(x-?rays?|mri|ct|cat scan|ultrasound|echo\w*|ekg|ecg|labs?|blood work|hemoglobin|a1c|"
                         r"results?|showed|shows|revealed|came back|panel|levels?|biopsy|culture|urinalysis)\b"),
    "plan": re.compile(r"\b(order\w*|prescri\w*|refer\w*|follow[- ]?up|start\w*|increas\w*|decreas\w*|continue|"
                       r"recommend\w*|schedul\w*|milligrams?|mg|i'll|we'll|going to|want you to|physical therapy|"
                       r"come back|see you)\b"),
    "impression": re.compile(r"\b(i think|likely|consistent with|diagnos\w*|sounds like|impression|suspect|"
                             r"concern\w*)\b"),
    "symptom": re.compile(r"\b(pain|ache|hurts?|cough\w*|fever\w*|short(ness)? of breath|nause\w*|vomit\w*|dizz\w*|"
                          r"tired|fatigue|headaches?|numb\w*|weak\w*|since|started|ago|weeks?|months?|days?)\b"),
}


@dataclass(frozen=True)
class SentenceContext:
    text: str  # the cleaned sentence
    role: str  # "Doctor", "Patient", other
    position: float  # 0..1 through the visit
    is_question: bool
    after_question: bool  # the other speaker's turn before it ended with a question


def features(ctx: SentenceContext) -> list[str]:
    words = _TOKEN.findall(ctx.text.lower())
    words = ["<num>" if w[0].isdigit() else w for w in words]
    role = ctx.role.lower() if ctx.role.lower() in ("doctor", "patient") else "other"
    out = [f"w={w}" for w in words]
    out += [f"b={a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    out += [f"r={role}", f"p={min(9, int(ctx.position * 10))}", f"rp={role}_{min(4, int(ctx.position * 5))}",
            f"l={min(5, len(words) // 5)}"]
    if ctx.is_question:
        out.append("q")
    if ctx.after_question:
        out.append(f"aq={role}")
    if _NUMBER.search(ctx.text.lower()):
        out.append("num")
    lowered = ctx.text.lower()
    out += [f"cue={name}" for name, pattern in CUE_GROUPS.items() if pattern.search(lowered)]
    out += [f"rcue={role}_{name}" for name, pattern in CUE_GROUPS.items() if pattern.search(lowered)]
    return sorted(set(out))


class SectionModel:
    """Probabilities over LABELS for a sentence, from exported weights."""

    def __init__(self, weights: dict) -> None:
        self.labels: tuple[str, ...] = tuple(weights["labels"])
        self.vocabulary: dict[str, int] = weights["vocabulary"]
        self.coef: list[list[float]] = weights["coef"]  # one row per label
        self.intercept: list[float] = weights["intercept"]
        self.meta: dict = weights.get("meta", {})

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SectionModel:
        return cls(json.loads(path.read_text()))

    def probabilities(self, ctx: SentenceContext) -> dict[str, float]:
        idx = [self.vocabulary[f] for f in features(ctx) if f in self.vocabulary]
        # The features are binary and L2-normalised in training: the same scale here.
        scale = 1.0 / math.sqrt(len(idx)) if idx else 0.0
        scores = [b + scale * sum(row[i] for i in idx) for row, b in zip(self.coef, self.intercept, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def predict(self, ctx: SentenceContext) -> str:
        probs = self.probabilities(ctx)
        return max(probs, key=lambda k: probs[k])


@lru_cache(maxsize=1)
def default_model() -> SectionModel:
    return SectionModel.load()
