"""Training the section model on ACI-Bench train + valid (never test1/test2: those measure it).

Weak labels: a dialogue sentence takes the note division (subjective, exam, results, assessment and
plan) holding the reference sentence that shares most of its content words, when at least half of
its content words (and two or more) are there; otherwise "none". Logistic regression with a fixed
seed and a deterministic solver; weights are rounded and written as JSON, so a retrain gives the
same file and the same predictions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .section_model import LABELS, SentenceContext, features
from .transcript_import import parse_transcript_text
from .visit import visit_sentences


def _words(text: str) -> list[str]:
    return text.split()

ACI_JSON = Path(__file__).resolve().parents[3] / "shared" / "data" / "aci-bench" / "data" / "challenge_data_json"
TRAINING_SPLITS = ("train", "valid")
DIVISIONS = {"subjective": "subjective", "objective_exam": "exam", "objective_results": "results",
             "assessment_and_plan": "assessment_plan"}
SEED = 20230908
# Share of a dialogue sentence's content words a reference sentence must hold to lend it its section.
LABEL_OVERLAP = 0.5
_STOP = set(_words("""a an the and or but if so to of in on at for with from by is are was were be been being
it its this that
these those i you he she we they me my your his her our their them us do does did have has had not no yes yeah okay
ok um uh just like know really very can could would should will going get got go there here what how when
where which who about up out then than also all any some as"""))


def content_words(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z]+|\d+", text.lower()) if w not in _STOP and len(w) > 1}


def load_split(split: str, aci_dir: Path = ACI_JSON) -> list[tuple[str, dict[str, str]]]:
    """(dialogue, {label: reference division text}) per encounter of one split."""
    by_file: dict[str, tuple[str, dict[str, str]]] = {}
    for division, label in DIVISIONS.items():
        data = json.loads((aci_dir / f"{split}_{division}.json").read_text())["data"]
        for row in data:
            dialogue, parts = by_file.setdefault(row["file"].split("-")[0], (row["src"], {}))
            parts[label] = row["tgt"]
    return [by_file[k] for k in sorted(by_file)]


def weak_labels(dialogue: str, divisions: dict[str, str]) -> list[tuple[SentenceContext, str]]:
    note_sentences = [(label, content_words(s)) for label, text in divisions.items()
                      for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    out = []
    for vs in visit_sentences(parse_transcript_text(dialogue), split_long=False):
        words = content_words(vs.cleaned)
        label = "none"
        if len(words) >= 2 and not vs.command:
            best, best_label = 0, "none"
            for div, note_words in note_sentences:
                shared = len(words & note_words)
                if shared > best:
                    best, best_label = shared, div
            if best >= 2 and best / len(words) >= LABEL_OVERLAP:
                label = best_label
        out.append((vs.context, label))
    return out


def train(splits: tuple[str, ...] = TRAINING_SPLITS, aci_dir: Path = ACI_JSON, c: float = 4.0) -> dict:
    import numpy as np
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # scipy ships no stubs
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]  # nor does scikit-learn

    examples = [ex for split in splits for dialogue, divs in load_split(split, aci_dir)
                for ex in weak_labels(dialogue, divs)]
    counts: dict[str, int] = {}
    rows = [features(ctx) for ctx, _ in examples]
    for feats in rows:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= 2))}
    data, indices, indptr = [], [], [0]
    for feats in rows:
        idx = sorted(vocabulary[f] for f in feats if f in vocabulary)
        value = 1.0 / np.sqrt(len(idx)) if idx else 0.0
        data += [value] * len(idx)
        indices += idx
        indptr.append(len(indices))
    x = csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))
    y = np.array([LABELS.index(label) for _, label in examples])
    model = LogisticRegression(C=c, max_iter=3000, random_state=SEED, class_weight="balanced")
    model.fit(x, y)
    order = [list(model.classes_).index(i) for i in range(len(LABELS))]
    label_counts = {label: int((y == i).sum()) for i, label in enumerate(LABELS)}
    return {
        "labels": list(LABELS),
        "vocabulary": vocabulary,
        "coef": [[round(float(v), 4) for v in model.coef_[k]] for k in order],
        "intercept": [round(float(model.intercept_[k]), 4) for k in order],
        "meta": {"trained_on": [f"aci-bench {s}" for s in splits], "examples": len(examples),
                 "label_counts": label_counts, "C": c, "seed": SEED},
    }
