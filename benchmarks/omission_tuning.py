"""Choosing the omission check's settings on ACI-Bench train + valid (never the test sets).

    .venv/bin/python benchmarks/omission_tuning.py [--splits train valid] [--limit N]

For every pair (salience threshold, semantic similarity threshold) it prints the two figures of the
target (>= 80 % of deleted facts flagged, <= 3 flags on a complete note):
  recall   delete one key-term statement from the offline writer's complete note; is a fact citing
           its utterances flagged?
  flags    facts flagged on the clinicians' own reference note (each sentence a statement)
A fact counts as covered by a statement when the word rules cover it (omission.py) or, for the
semantic variant, when the sentence embeddings' cosine similarity reaches the threshold.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.minilm_numpy import embed  # noqa: E402
from scribe_core.clinical.facts import content_terms, extract_facts  # noqa: E402
from scribe_core.clinical.omission import _covered, _statement_terms, key_terms  # noqa: E402
from scribe_core.clinical.transcript_import import parse_transcript_text  # noqa: E402
from scribe_core.notes.extractive import ExtractiveNoteWriter  # noqa: E402
from scribe_core.notes.templates import ACI  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aci-bench" / "data" / "challenge_data"
SALIENCE = (0.2, 0.3, 0.4, 0.5, 0.6, 0.75)
SIMILARITY = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 2.0)  # 2.0: words only


def _rows(splits: list[str], limit: int | None) -> list[tuple[str, str]]:
    rows = []
    for split in splits:
        with open(DATA / f"{split}.csv", newline="") as f:
            rows += [(r["dialogue"] if r["dialogue"].lstrip().startswith("[") else "[doctor] " + r["dialogue"],
                      r["note"]) for r in csv.DictReader(f)]
    return rows[:limit] if limit else rows


def _pairs(facts, statements, key_share: float):
    """lexical[f, s]: statement s alone covers fact f by the word rules; similarity[f, s]: cosine, counted
    only where the statement also holds `key_share` of the fact's key terms (findings, drugs, numbers)."""
    terms = [(_statement_terms(text) | set(content_terms(text)), set(evidence), text) for text, evidence in statements]
    lexical = np.array([[_covered(f, [t]) for t in terms] for f in facts], dtype=bool).reshape(len(facts), len(terms))
    similarity = (embed([f.text for f in facts]) @ embed([text for text, _ in statements]).T).reshape(lexical.shape)
    if key_share > 0:
        keys = [key_terms(f.text) for f in facts]
        share = np.array([[len(k & t[0]) / max(1, len(k)) for t in terms] for k in keys]).reshape(lexical.shape)
        similarity = np.where(share >= key_share, similarity, -1.0)
    return lexical, similarity


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--splits", nargs="+", default=["train", "valid"])
    p.add_argument("--limit", type=int)
    p.add_argument("--key-share", type=float, default=0.0,
                   help="semantic coverage also needs this share of the fact's key terms in the statement")
    args = p.parse_args()
    writer = ExtractiveNoteWriter()
    recall = {(s, t): [0, 0] for s in SALIENCE for t in SIMILARITY}
    flags: dict[tuple[float, float], list[int]] = {(s, t): [] for s in SALIENCE for t in SIMILARITY}
    for dialogue, reference in _rows(args.splits, args.limit):
        transcript = parse_transcript_text(dialogue)
        facts = extract_facts(transcript)
        keyed = [f for f in facts if f.kind in ("negative", "positive", "medication", "problem", "order")
                 or key_terms(f.text)]
        note = writer.draft(transcript, ACI).note
        own = [(st.text, st.evidence) for st in note.statements()]
        ref = [(s, []) for s in re.split(r"(?<=[.!?])\s+|\n+", reference) if s.strip()]
        if not keyed or not own:
            continue
        own_lex, own_sim = _pairs(keyed, own, args.key_share)
        ref_lex, ref_sim = _pairs(keyed, ref, args.key_share)
        always = np.array([f.kind in ("negative", "positive", "medication", "problem", "order") for f in keyed])
        salience = np.array([f.salience for f in keyed])
        for s in SALIENCE:
            salient = always | (salience >= s)
            for t in SIMILARITY:
                own_cov = own_lex | (own_sim >= t)
                ref_cov = ref_lex | (ref_sim >= t)
                flags[(s, t)].append(int((salient & ~ref_cov.any(1)).sum()))
                base = salient & ~own_cov.any(1)
                for j, (text, evidence) in enumerate(own):
                    if not key_terms(text):
                        continue
                    rest = np.delete(own_cov, j, axis=1).any(1)
                    new = salient & ~rest & ~base
                    hit = any(set(keyed[i].evidence) & set(evidence) for i in np.flatnonzero(new))
                    recall[(s, t)][0] += hit
                    recall[(s, t)][1] += 1
    print(f"{'salience':>9}{'similarity':>11}{'recall %':>10}{'flags/ref note':>16}")
    for (s, t), (hits, trials) in recall.items():
        shown = "words only" if t > 1 else f"{t:.2f}"
        print(f"{s:9.2f}{shown:>11}{100 * hits / max(1, trials):10.1f}{statistics.mean(flags[(s, t)]):16.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
