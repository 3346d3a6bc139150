"""Choosing the omission check's settings on ACI-Bench train + valid (never the test sets).

    .venv/bin/python benchmarks/omission_tuning.py [--splits train valid] [--limit N] [--semantic]

The check flags an uncovered sentence-fact from a salience threshold up (answers, medications, problems
and orders always). The threshold is either fixed, or the note's level of detail: the writer's floor for a
note that states `share` of the minor sentence-facts (below `ceiling`), else `ceiling`
(omission.flag_threshold).
For each setting it prints the figures of the target (>= 80 % of deleted facts flagged, <= 3 flags on a
complete note):
  recall   delete one key-term statement from the offline writer's complete note; is a fact citing its
           utterances flagged? (also: of the deletions whose content the clinician's note states)
  flags    facts flagged on the clinicians' own complete reference note (each sentence a statement)
  ref del  delete one sentence of the clinician's note that states an extracted fact; is a new fact flagged?
  added    flags on the clinician's note after adding every fact listed, and again, until none is new
           (a check whose bar moves as facts are added lists more and more)
--semantic repeats the earlier experiment of a sentence-embedding matcher (all-MiniLM-L6-v2, see
minilm_numpy.py) beside the word rules, at fixed thresholds.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scribe_core.clinical.facts import Fact, content_terms, extract_facts  # noqa: E402
from scribe_core.clinical.omission import _covered, _statement_terms, flag_threshold, key_terms  # noqa: E402
from scribe_core.clinical.transcript_import import parse_transcript_text  # noqa: E402
from scribe_core.documents.templates import builtin_template  # noqa: E402
from scribe_core.notes.extractive import ExtractiveNoteWriter  # noqa: E402

ACI = builtin_template('aci')

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aci-bench" / "data" / "challenge_data"
ALWAYS = ("negative", "positive", "medication", "problem", "order")
FIXED = (0.2, 0.5, 0.6, 0.7, 0.75, 0.8)
ADAPTIVE = [(share, ceiling) for share in (0.4, 0.5, 0.6, 0.7, 0.8) for ceiling in (0.75, 0.9)]
SIMILARITY = (0.5, 0.6, 0.7, 0.8)


def _rows(splits: list[str], limit: int | None) -> list[tuple[str, str]]:
    rows = []
    for split in splits:
        with open(DATA / f"{split}.csv", newline="") as f:
            rows += [(r["dialogue"] if r["dialogue"].lstrip().startswith("[") else "[doctor] " + r["dialogue"],
                      r["note"]) for r in csv.DictReader(f)]
    return rows[:limit] if limit else rows


def _terms(statements: list[tuple[str, list[str]]]) -> list[tuple[set[str], set[str], str]]:
    return [(_statement_terms(t) | set(content_terms(t)), set(e), t) for t, e in statements]


def _coverage(facts: list[Fact], statements: list[tuple[set[str], set[str], str]]) -> np.ndarray:
    """[f, s]: statement s alone covers fact f by the word rules."""
    return np.array([[_covered(f, [s]) for s in statements] for f in facts], dtype=bool).reshape(
        len(facts), len(statements))


Setting = float | tuple[float, float]  # a fixed threshold, or (share, ceiling) for the note's own level


class Visit:
    """One dialogue's facts, its offline note and the clinician's note, with who covers what."""

    def __init__(self, dialogue: str, reference: str, writer: ExtractiveNoteWriter) -> None:
        transcript = parse_transcript_text(dialogue)
        self.facts = [f for f in extract_facts(transcript) if f.kind in ALWAYS or key_terms(f.text)]
        self.own = [(st.text, st.evidence) for st in writer.draft(transcript, ACI).note.statements()]
        sentences = re.split(r"(?<=[.!?])\s+|\n+", reference)
        self.ref: list[tuple[str, list[str]]] = [(s, []) for s in sentences if s.strip()]
        ref_terms = _terms(self.ref)
        self.own_cover, self.ref_cover = _coverage(self.facts, _terms(self.own)), _coverage(self.facts, ref_terms)
        self.gold = [bool(key_terms(t)) and _covered(Fact("statement", "hpi", t, list(e), 0), ref_terms)
                     for t, e in self.own]
        self.always = np.array([f.kind in ALWAYS for f in self.facts], dtype=bool)
        self.salience = np.array([f.salience for f in self.facts])

    def flagged(self, covered_by_note: npt.ArrayLike, threshold: Setting) -> np.ndarray:
        covered = np.asarray(covered_by_note, dtype=bool)
        if isinstance(threshold, tuple):
            threshold = flag_threshold(self.facts, list(covered), *threshold)
        return (self.always | (self.salience >= threshold)) & ~covered

    def flags_after_adding(self, setting: Setting) -> int:
        """Flags on the clinician's note once every listed fact has been added, round after round."""
        covered, added = self.ref_cover.any(1), 0
        for _ in range(len(self.facts)):
            listed = self.flagged(covered, setting)
            if not listed.any():
                break
            covered, added = covered | listed, added + int(listed.sum())
        return added


def _figures(visits: list[Visit], setting: Setting, own_extra: list[np.ndarray] | None = None,
             ref_extra: list[np.ndarray] | None = None) -> tuple[float, float, float, float, float]:
    hits = trials = gold_hits = gold_trials = ref_hits = ref_trials = 0
    flags = []
    for n, v in enumerate(visits):
        own = v.own_cover if own_extra is None else v.own_cover | own_extra[n]
        ref = v.ref_cover if ref_extra is None else v.ref_cover | ref_extra[n]
        base = v.flagged(own.any(1), setting)
        for j, (text, evidence) in enumerate(v.own):
            if key_terms(text):
                new = v.flagged(np.delete(own, j, axis=1).any(1), setting) & ~base
                hit = any(set(v.facts[i].evidence) & set(evidence) for i in np.flatnonzero(new))
                hits, trials = hits + hit, trials + 1
                gold_hits, gold_trials = gold_hits + (hit and v.gold[j]), gold_trials + v.gold[j]
        ref_base = v.flagged(ref.any(1), setting)
        flags.append(int(ref_base.sum()))
        for j, (text, _) in enumerate(v.ref):
            if key_terms(text) and ref[:, j].any():
                new = v.flagged(np.delete(ref, j, axis=1).any(1), setting) & ~ref_base
                ref_hits, ref_trials = ref_hits + bool(new.any()), ref_trials + 1
    pct = lambda a, b: 100 * a / max(1, b)  # noqa: E731
    added = statistics.mean(v.flags_after_adding(setting) for v in visits) if ref_extra is None else float("nan")
    return pct(hits, trials), pct(gold_hits, gold_trials), statistics.mean(flags), pct(ref_hits, ref_trials), added


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--splits", nargs="+", default=["train", "valid"])
    p.add_argument("--limit", type=int)
    p.add_argument("--semantic", action="store_true", help="also try the sentence-embedding matcher")
    args = p.parse_args()
    writer = ExtractiveNoteWriter()
    visits = [v for v in (Visit(d, r, writer) for d, r in _rows(args.splits, args.limit)) if v.facts and v.own]
    print(f"{len(visits)} dialogues of {'+'.join(args.splits)}")
    print(f"{'threshold':<28}{'recall %':>9}{'of stated':>10}{'flags/ref note':>15}{'ref del %':>10}{'added':>7}")
    settings: list[Setting] = [*FIXED, *ADAPTIVE]
    for setting in settings:
        shown = f"fixed {setting}" if not isinstance(setting, tuple) else \
            f"note's level {setting[0]}, max {setting[1]}"
        recall, gold, flags, ref_del, added = _figures(visits, setting)
        print(f"{shown:<28}{recall:9.1f}{gold:10.1f}{flags:15.2f}{ref_del:10.1f}{added:7.2f}")
    if args.semantic:
        from benchmarks.minilm_numpy import embed

        def similar(v: Visit, statements: list[tuple[str, list[str]]], t: float) -> np.ndarray:
            keys = [key_terms(f.text) for f in v.facts]
            words = [w for w, _, _ in _terms(statements)]
            share = np.array([[len(k & w) / max(1, len(k)) for w in words] for k in keys]).reshape(
                len(keys), len(words))
            sim = embed([f.text for f in v.facts]) @ embed([s for s, _ in statements]).T
            return (sim.reshape(share.shape) >= t) & (share >= 0.5)

        for t in SIMILARITY:
            own_extra = [similar(v, v.own, t) for v in visits]
            ref_extra = [similar(v, v.ref, t) for v in visits]
            for setting in FIXED:
                recall, gold, flags, ref_del, _ = _figures(visits, setting, own_extra, ref_extra)
                print(f"{f'fixed {setting}, cosine {t}':<28}{recall:9.1f}{gold:10.1f}{flags:15.2f}{ref_del:10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
