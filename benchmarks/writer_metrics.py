"""Offline note writer figures beside the same figures for another checkout of scribe_core (the baseline).

    .venv/bin/python benchmarks/writer_metrics.py [--split valid|train|test] [--raw] [--root DIR]

ROUGE-1/2 (rouge-score, stemming, F1 x 100); key facts stated (numbers and drug names the reference note
records that were also said in the dialogue, share found in the draft); junk share (scribe_core.eval's
measure, as the note_quality benchmark counts it);
notes whose Assessment and plan is empty where the reference has one; numbers in the draft said nowhere
in the dialogue. --raw removes the dialogues' punctuation and capitals (speech recognition without
formatting). --root runs another scribe_core (e.g. `git archive HEAD scribe_core` unpacked) as baseline.
Choose settings on train/valid; report test1+test2 only.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
DATA = HERE.parent / "shared" / "data" / "aci-bench" / "data" / "challenge_data"
FILES = {"train": ["train.csv"], "valid": ["valid.csv"],
         "test": ["clinicalnlp_taskB_test1.csv", "clinicalnlp_taskC_test2.csv"]}


def raw_asr(dialogue: str) -> str:
    """Speaker tags kept, punctuation and capitals gone, as unformatted speech recognition gives it."""
    out = []
    for line in dialogue.splitlines():
        m = re.match(r"\s*(\[[^\]]+\])\s*(.*)", line)
        tag, text = (m.group(1), m.group(2)) if m else ("", line)
        text = re.sub(r"(?<!\d)[.,?!;:](?!\d)", " ", text).lower()
        text = re.sub(r"\s+", " ", text).strip()
        out.append(f"{tag} {text}")
    return "\n".join(out)


def key_facts(reference: str, dialogue: str, spoken_numbers, drug_names) -> set[str]:
    ref = spoken_numbers(re.sub(r"\d+/\d+/\d+", " ", reference)) | drug_names(reference)
    said = spoken_numbers(dialogue) | drug_names(dialogue)
    return {k for k in ref & said if k not in {"0", "1", "2"}}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--split", default="valid", choices=list(FILES))
    p.add_argument("--raw", action="store_true")
    p.add_argument("--root", default=str(HERE))
    p.add_argument("--limit", type=int)
    args = p.parse_args()
    sys.path.insert(0, args.root)
    # What was said is read through this checkout's number normalisation for both systems alike.
    import importlib.util

    from rouge_score import rouge_scorer

    from scribe_core.clinical.support import drug_names, spoken_numbers
    from scribe_core.eval.note_facts import junk_reasons
    try:
        from scribe_core.clinical.support import without_enumerator
    except ImportError:  # a baseline from before problem lists were numbered
        def without_enumerator(text: str) -> str:
            return text
    from scribe_core.clinical.transcript_import import parse_transcript_text
    from scribe_core.documents.templates import builtin_template
    from scribe_core.notes.extractive import ExtractiveNoteWriter
    ACI = builtin_template('aci')

    spec = importlib.util.spec_from_file_location("numbers_", HERE / "scribe_core" / "clinical" / "numbers.py")
    assert spec and spec.loader
    numbers_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(numbers_module)
    normalise = numbers_module.normalise_numbers

    rows = []
    for name in FILES[args.split]:
        with open(DATA / name, newline="") as f:
            rows += list(csv.DictReader(f))
    rows = rows[: args.limit] if args.limit else rows
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    writer = ExtractiveNoteWriter()
    r1, r2, found, total, statements, bad, empty_ap, invented, seconds = [], [], 0, 0, 0, 0, 0, 0, 0.0
    for r in rows:
        dialogue = r["dialogue"] if r["dialogue"].lstrip().startswith("[") else "[doctor] " + r["dialogue"]
        if args.raw:
            dialogue = raw_asr(dialogue)
        t = parse_transcript_text(dialogue)
        start = time.perf_counter()
        note = writer.draft(t, ACI).note
        seconds = max(seconds, time.perf_counter() - start)
        parts = []
        for sec in note.sections:
            if sec.statements:
                parts += [sec.title.upper(), *(st.text for st in sec.statements)]
        text = "\n".join(parts)
        s = scorer.score(r["note"], text)
        r1.append(s["rouge1"].fmeasure)
        r2.append(s["rouge2"].fmeasure)
        keys = key_facts(r["note"], t.text + "\n" + normalise(t.text), spoken_numbers, drug_names)
        text = without_enumerator(text)
        stated = spoken_numbers(text) | drug_names(text)
        found += len(keys & stated)
        total += len(keys)
        sts = note.statements()
        statements += len(sts)
        bad += sum(bool(junk_reasons(st.text)) for st in sts)
        ap = [sec for sec in note.sections if sec.key == "assessment_plan"]
        if re.search(r"ASSESSMENT|PLAN", r["note"]) and (not ap or not ap[0].statements):
            empty_ap += 1
        said = spoken_numbers(t.text) | spoken_numbers(normalise(t.text))
        invented += len(spoken_numbers(text) - said)
    print(f"root={args.root} split={args.split} raw={args.raw} notes={len(rows)}")
    print(f"R-1 {100 * statistics.mean(r1):.2f}  R-2 {100 * statistics.mean(r2):.2f}  "
          f"key facts {100 * found / max(1, total):.1f}% ({found}/{total})  "
          f"junk {100 * bad / max(1, statements):.1f}% of {statements}  empty A/P {empty_ap}  "
          f"invented numbers {invented}  slowest draft {seconds:.2f}s")


if __name__ == "__main__":
    main()
