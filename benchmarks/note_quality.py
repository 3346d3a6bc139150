"""Offline note quality on ACI-Bench test1 + test2, beside baselines computed in the same run.

    .venv/bin/python benchmarks/note_quality.py [--splits test1 test2] [--limit N] [--no-omission]

ROUGE-1/2/L (rouge-score, Porter stemming, F1 x 100, mean over notes, as ACI-Bench reports it; L is
`rougeL` on the whole note, Lsum is summary-level with one sentence per line). Every system's note
is scored as text with its section headings in capitals, as the reference notes are written.
Baselines: the whole transcript; the twelve longest doctor turns; the previous extractive writer
(benchmarks/previous_extractive.py). Also: share of statements in the first or second person,
numbers in notes that appear nowhere in the dialogue, share of statements citing evidence, the
omission check's recall on deleted statements and its flags on complete notes, and drafting time
for a 30-minute visit. Test dialogues are never used to train or tune anything.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.previous_extractive import PreviousExtractiveWriter  # noqa: E402
from scribe_core.clinical.facts import Fact, extract_facts  # noqa: E402
from scribe_core.clinical.omission import (  # noqa: E402
    MAX_THRESHOLD,
    add_missing,
    covered,
    key_terms,
    possibly_missing,
)
from scribe_core.clinical.register import FIRST_OR_SECOND_PERSON  # noqa: E402
from scribe_core.clinical.support import spoken_numbers  # noqa: E402
from scribe_core.clinical.transcript_import import parse_transcript_text  # noqa: E402
from scribe_core.documents.templates import builtin_template  # noqa: E402
from scribe_core.model import DOCTOR, Note, Section, Statement, Transcript  # noqa: E402
from scribe_core.notes.extractive import ExtractiveNoteWriter  # noqa: E402

ACI = builtin_template('aci')
SOAP = builtin_template('soap')

ACI_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "aci-bench" / "data" / "challenge_data"
SPLITS = {"test1": "clinicalnlp_taskB_test1.csv", "test2": "clinicalnlp_taskC_test2.csv"}


def load(splits: list[str], limit: int | None) -> list[tuple[str, str, str]]:
    rows = []
    for split in splits:
        with open(ACI_CSV / SPLITS[split], newline="") as f:
            rows += [(r["encounter_id"], _tagged(r["dialogue"]), r["note"]) for r in csv.DictReader(f)]
    return rows[:limit] if limit else rows


def note_text(note: Note) -> str:
    parts = []
    for sec in note.sections:
        if sec.statements:
            parts += [sec.title.upper(), *(st.text for st in sec.statements)]
    return "\n".join(parts)


def _tagged(dialogue: str) -> str:
    # One test2 dialogue (D2N131) opens with an untagged doctor line; the importer would refuse it.
    return dialogue if dialogue.lstrip().startswith("[") else "[doctor] " + dialogue.lstrip()


def whole_transcript(t: Transcript) -> str:
    return "\n".join(u.text for u in t.utterances)


def longest_doctor_turns(t: Transcript, n: int = 12) -> str:
    turns = sorted((u for u in t.utterances if u.role == DOCTOR), key=lambda u: -len(u.text.split()))[:n]
    return "\n".join(u.text for u in sorted(turns, key=lambda u: t.utterances.index(u)))


def rouge(pairs: list[tuple[str, str]]) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True)
    scores = [scorer.score(ref, hyp) for hyp, ref in pairs]
    keys = ("rouge1", "rouge2", "rougeL", "rougeLsum")
    return {k: 100 * statistics.mean(s[k].fmeasure for s in scores) for k in keys}


def statement_figures(notes: list[tuple[Note, Transcript]]) -> dict[str, float]:
    statements = [(st, t) for note, t in notes for st in note.statements()]
    person = sum(bool(FIRST_OR_SECOND_PERSON.search(st.text)) for st, _ in statements)
    cited = sum(bool(st.evidence) for st, _ in statements)
    absent = 0
    for note, t in notes:
        spoken = spoken_numbers(t.text)
        absent += sum(len(spoken_numbers(st.text) - spoken) for st in note.statements())
    return {"statements": len(statements), "person_pct": 100 * person / max(1, len(statements)),
            "cited_pct": 100 * cited / max(1, len(statements)), "absent_numbers": absent,
            "words": statistics.mean(len(note_text(n).split()) for n, _ in notes)}


def _without(note: Note, si: int, k: int) -> Note:
    return Note(template=note.template, writer=note.writer, sections=[
        Section(s.key, s.title, [st for j, st in enumerate(s.statements) if not (i == si and j == k)])
        for i, s in enumerate(note.sections)])


def omission_figures(notes: list[tuple[Note, Transcript]], references: list[str],
                     min_salience: float | None = None) -> dict[str, float]:
    """Delete one statement carrying a clinical key term (finding, drug, number, exam or result word) from
    a complete note; is a fact citing its utterances flagged (offline note), or any new fact (clinician's
    note, which cites nothing)? Deletions from the offline note: every such statement, and those whose
    content the clinician's reference note also states (the facts a clinician wrote down). From the
    clinician's note: every such sentence, and those that state a fact the check extracted (any salience).
    Flags: how many facts the check lists for the complete offline note (0 by construction: its statements
    are the facts) and, the real false-alarm test, for the clinician's complete note (each sentence a
    statement). At the shipped setting also: of the deletions that leave some fact of the conversation
    uncovered (judged by the check's own coverage rules, every salience), how many are flagged; the rest
    removed a sentence whose facts another sentence of the note still states. And: the flags on the
    clinician's note once every listed fact is added (add_missing, as the Note page's button), round after
    round, until nothing new is listed."""
    hits = trials = gold_hits = gold_trials = ref_hits = ref_trials = said_hits = said_trials = 0
    lost_hits, lost_trials, ref_lost_hits, ref_lost_trials = 0, 0, 0, 0
    own_flags, ref_flags, after_adding = [], [], []
    with_lost = min_salience is None
    for (note, t), ref in zip(notes, references, strict=True):
        facts = extract_facts(t)
        ref_note = Note(template="reference", sections=[Section("all", "All", [
            Statement(text=s, added_by_clinician=True) for s in re.split(r"(?<=[.!?])\s+|\n+", ref) if s.strip()])])
        base = {m.text for m in possibly_missing(t, note, facts, min_salience)}
        own_flags.append(len(base))
        uncovered = {m.text for m in possibly_missing(t, note, facts, 0.0)} if with_lost else set()
        for si, sec in enumerate(note.sections):
            for k, deleted in enumerate(sec.statements):
                if not key_terms(deleted.text):
                    continue
                new = [m for m in possibly_missing(t, _without(note, si, k), facts, min_salience) if m.text not in base]
                hit = any(set(m.evidence) & set(deleted.evidence) for m in new)
                hits, trials = hits + hit, trials + 1
                if covered(Fact("statement", sec.key, deleted.text, list(deleted.evidence), 0), ref_note):
                    gold_hits, gold_trials = gold_hits + hit, gold_trials + 1
                if with_lost and any(set(m.evidence) & set(deleted.evidence) for m in possibly_missing(
                        t, _without(note, si, k), facts, 0.0) if m.text not in uncovered):
                    lost_hits, lost_trials = lost_hits + hit, lost_trials + 1
        ref_base = {m.text for m in possibly_missing(t, ref_note, facts, min_salience)}
        ref_flags.append(len(ref_base))
        ref_uncovered = {m.text for m in possibly_missing(t, ref_note, facts, 0.0)} if with_lost else set()
        if with_lost:
            after_adding.append(_flags_after_adding(t, ref_note, facts))
        for k, deleted in enumerate(ref_note.sections[0].statements):
            if key_terms(deleted.text):
                new = [m for m in possibly_missing(t, _without(ref_note, 0, k), facts, min_salience)
                       if m.text not in ref_base]
                ref_hits, ref_trials = ref_hits + bool(new), ref_trials + 1
                if any(covered(f, Note(template="one", sections=[Section("all", "All", [deleted])])) for f in facts):
                    said_hits, said_trials = said_hits + bool(new), said_trials + 1
                if with_lost and any(m.text not in ref_uncovered
                                     for m in possibly_missing(t, _without(ref_note, 0, k), facts, 0.0)):
                    ref_lost_hits, ref_lost_trials = ref_lost_hits + bool(new), ref_lost_trials + 1
    return {"recall_pct": 100 * hits / max(1, trials), "trials": trials,
            "gold_recall_pct": 100 * gold_hits / max(1, gold_trials), "gold_trials": gold_trials,
            "reference_recall_pct": 100 * ref_hits / max(1, ref_trials), "reference_trials": ref_trials,
            "said_recall_pct": 100 * said_hits / max(1, said_trials), "said_trials": said_trials,
            "lost_recall_pct": 100 * lost_hits / max(1, lost_trials), "lost_trials": lost_trials,
            "ref_lost_recall_pct": 100 * ref_lost_hits / max(1, ref_lost_trials), "ref_lost_trials": ref_lost_trials,
            "flags_own": statistics.mean(own_flags), "flags_reference": statistics.mean(ref_flags),
            "flags_after_adding": statistics.mean(after_adding) if after_adding else float("nan")}


def _flags_after_adding(t: Transcript, note: Note, facts: list[Fact]) -> int:
    listed, total = possibly_missing(t, note, facts), 0
    for _ in range(len(facts)):
        if not listed:
            break
        for fact in listed:
            note = add_missing(note, fact)
        total += len(listed)
        listed = possibly_missing(t, note, facts)
    return total


def cold_timing(text: str) -> float:
    """Seconds for a fresh process to import the writer, load the segmenter and the model, and draft."""
    import subprocess

    code = ("import sys, time; t = time.perf_counter(); from scribe_core.clinical import parse_transcript_text; "
            "from scribe_core.notes.extractive import ExtractiveNoteWriter; "
            "from scribe_core.documents.templates import builtin_template; ACI = builtin_template('aci'); "
            "ExtractiveNoteWriter().draft(parse_transcript_text(sys.stdin.read()), ACI); "
            "print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    return float(done.stdout.strip())


def timing(rows: list[tuple[str, str, str]]) -> tuple[float, float, int]:
    """Seconds to draft a 30-minute visit (about 4,500 spoken words: dialogues joined until then), in a
    warm process and in a fresh one."""
    lines: list[str] = []
    for _, dialogue, _ in rows:
        lines += dialogue.splitlines()
        if sum(len(x.split()) for x in lines) >= 4500:
            break
    t = parse_transcript_text("\n".join(lines))
    start = time.perf_counter()
    ExtractiveNoteWriter().draft(t, ACI)
    return time.perf_counter() - start, cold_timing("\n".join(lines)), sum(len(u.text.split()) for u in t.utterances)


def main() -> int:
    p = argparse.ArgumentParser(description="Offline note quality on ACI-Bench.")
    p.add_argument("--splits", nargs="+", default=list(SPLITS), choices=list(SPLITS))
    p.add_argument("--limit", type=int)
    p.add_argument("--no-omission", action="store_true")
    args = p.parse_args()
    rows = load(args.splits, args.limit)
    transcripts = [parse_transcript_text(d) for _, d, _ in rows]
    refs = [n for _, _, n in rows]
    writer, previous = ExtractiveNoteWriter(), PreviousExtractiveWriter()
    offline = [writer.draft(t, ACI).note for t in transcripts]
    prev = [previous.draft(t, SOAP).note for t in transcripts]
    systems: dict[str, Callable[[int], str]] = {
        "offline note (this writer, ACI template)": lambda i: note_text(offline[i]),
        "baseline: whole transcript": lambda i: whole_transcript(transcripts[i]),
        "baseline: 12 longest doctor turns": lambda i: longest_doctor_turns(transcripts[i]),
        "baseline: previous extractive writer": lambda i: note_text(prev[i]),
    }
    print(f"ACI-Bench {'+'.join(args.splits)}: {len(rows)} dialogues; rouge-score with stemming, F1 x 100")
    print(f"{'system':<44}{'R-1':>7}{'R-2':>7}{'R-L':>7}{'R-Lsum':>8}")
    for name, text in systems.items():
        r = rouge([(text(i), refs[i]) for i in range(len(rows))])
        print(f"{name:<44}{r['rouge1']:7.2f}{r['rouge2']:7.2f}{r['rougeL']:7.2f}{r['rougeLsum']:8.2f}")
    r = rouge([("\n".join(st.text for st in n.statements()), refs[i]) for i, n in enumerate(offline)])
    print(f"{'offline note without section headings':<44}{r['rouge1']:7.2f}{r['rouge2']:7.2f}{r['rougeL']:7.2f}"
          f"{r['rougeLsum']:8.2f}")
    print()
    for name, notes in (("offline note", offline), ("previous extractive", prev)):
        f = statement_figures(list(zip(notes, transcripts, strict=True)))
        print(f"{name:<22} statements {f['statements']:5d}  first/second person {f['person_pct']:5.1f} %  "
              f"citing evidence {f['cited_pct']:5.1f} %  numbers absent from dialogue {f['absent_numbers']}  "
              f"mean words {f['words']:.0f}")
    if not args.no_omission:
        for salience, chosen in ((None, "the check's setting: the note's own level of detail"),
                                 (MAX_THRESHOLD, "fixed, the previous setting"), (0.2, "every fact the writer uses")):
            o = omission_figures(list(zip(offline, transcripts, strict=True)), refs, salience)
            print(f"omission check, salience {'>= ' + str(salience) if salience else 'from the note'} ({chosen}):\n"
                  f"  deleted from the offline note, flagged: {o['recall_pct']:.1f} % of {o['trials']} key-term "
                  f"statements; {o['gold_recall_pct']:.1f} % of the {o['gold_trials']} that the clinician's note "
                  f"also states\n"
                  f"  deleted from the clinician's note, flagged: {o['reference_recall_pct']:.1f} % of "
                  f"{o['reference_trials']} key-term sentences; {o['said_recall_pct']:.1f} % of the "
                  f"{o['said_trials']} that state a fact the check extracted\n"
                  f"  flags per complete note: offline {o['flags_own']:.2f}, clinician's {o['flags_reference']:.2f}")
            if salience is None:
                print(f"  deletions that leave a fact uncovered (by the check's own rules), flagged: offline note "
                      f"{o['lost_recall_pct']:.1f} % of {o['lost_trials']}; clinician's note "
                      f"{o['ref_lost_recall_pct']:.1f} % of {o['ref_lost_trials']}\n"
                      f"  flags on a clinician's note after adding every listed fact, round after round: "
                      f"{o['flags_after_adding']:.2f}")
    warm, cold, words = timing(rows)
    print(f"drafting a {words}-word visit (about 30 minutes of talk): {warm:.2f} s in a warm process, "
          f"{cold:.2f} s in a fresh one (imports and model load included); {os.cpu_count()} CPU(s) visible")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
