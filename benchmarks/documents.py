"""After-visit summaries of the offline writer's notes on ACI-Bench test1, beside the notes themselves.

    .venv/bin/python benchmarks/documents.py [--limit N] [--template soap]

For each test1 dialogue: draft the offline note (no language model), write the patient summary from
it, and measure the summary's Flesch-Kincaid grade (textstat; target <= 8) and how many numbers in it
appear nowhere in the dialogue (target 0; numbers spoken as words count as the same number). The
baseline, measured in the same run: the same figures for the note text a patient would otherwise be
handed. Also: sentences per summary, the share of summaries with any "what to do" line, and the
share of summary sentences that trace to a note statement or, for the parts built from the visit's own
words (medicines, follow-up, warning signs), to utterances (must be 100 %).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scribe_core.clinical.support import spoken_numbers  # noqa: E402
from scribe_core.clinical.transcript_import import parse_transcript_text  # noqa: E402
from scribe_core.documents.plain_language import for_patient  # noqa: E402
from scribe_core.documents.sentence_check import sentence_problem  # noqa: E402
from scribe_core.documents.summary import MEDICINES, RETURN, TODO, WARNING, reading_grade, summarize  # noqa: E402
from scribe_core.documents.templates import builtin_template  # noqa: E402
from scribe_core.notes.extractive import ExtractiveNoteWriter  # noqa: E402

TEST1 = (Path(__file__).resolve().parents[2] / "shared" / "data" / "aci-bench" / "data" / "challenge_data"
         / "clinicalnlp_taskB_test1.csv")


def dialogues(limit: int | None) -> list[tuple[str, str]]:
    with open(TEST1, newline="") as f:
        rows = [(r["encounter_id"], r["dialogue"]) for r in csv.DictReader(f)]
    return rows[:limit] if limit else rows


def _tagged(dialogue: str) -> str:
    """ACI-Bench CSV turns start with [doctor]/[patient] tags already; keep one turn per line."""
    return dialogue.replace("\r\n", "\n")


def measure(limit: int | None, template_name: str) -> dict[str, float]:
    template = builtin_template(template_name)
    writer = ExtractiveNoteWriter()
    grades, note_grades, absent, note_absent, sentences, with_todo, traced, total = [], [], 0, 0, [], 0, 0, 0
    filled = {MEDICINES: 0, RETURN: 0, WARNING: 0}
    restated, restated_failing, medicine_lines, dosed, summary_failing = 0, 0, 0, 0, 0
    started = time.perf_counter()
    for _, dialogue in dialogues(limit):
        transcript = parse_transcript_text(_tagged(dialogue))
        note = writer.draft(transcript, template).note
        summary = summarize(note, template, transcript)
        spoken = spoken_numbers(transcript.text)
        text = " ".join(s.text for s in summary.sentences())
        note_text = " ".join(st.text for st in note.statements())
        grades.append(summary.reading_grade)
        note_grades.append(reading_grade(note_text))
        absent += len(spoken_numbers(text) - spoken)
        note_absent += len(spoken_numbers(note_text) - spoken)
        sentences.append(len(summary.sentences()))
        with_todo += any(p.heading == TODO and p.sentences for p in summary.parts)
        for p in summary.parts:
            if p.heading in filled and p.sentences:
                filled[p.heading] += 1
            if p.heading == MEDICINES:
                medicine_lines += len(p.sentences)
                dosed += sum(any(c.isdigit() for c in s.text) for s in p.sentences)
        summary_failing += sum(sentence_problem(s.text) is not None for s in summary.sentences())
        # Baseline: every note statement said again in the second person, as the summary once was.
        again = [line for st in note.statements() for line in for_patient(st.text)]
        restated += len(again)
        restated_failing += sum(sentence_problem(line) is not None for line in again)
        refs = {f"{sec.key}#{i}" for sec in note.sections for i in range(len(sec.statements))}
        said = transcript.utterance_ids()
        traced += sum((bool(s.sources) or bool(s.evidence)) and set(s.sources) <= refs and set(s.evidence) <= said
                      for s in summary.sentences())
        total += len(summary.sentences())
    n = len(grades)
    return {"n": n, "grade": statistics.mean(grades), "grade_max": max(grades),
            "note_grade": statistics.mean(note_grades),
            "absent": absent, "note_absent": note_absent, "sentences": statistics.mean(sentences),
            "todo_pct": 100 * with_todo / n, "traced_pct": 100 * traced / max(1, total),
            "medicines_pct": 100 * filled[MEDICINES] / n, "return_pct": 100 * filled[RETURN] / n,
            "warning_pct": 100 * filled[WARNING] / n, "dosed_pct": 100 * dosed / max(1, medicine_lines),
            "restated_failing_pct": 100 * restated_failing / max(1, restated),
            "failing_pct": 100 * summary_failing / max(1, total),
            "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int)
    parser.add_argument("--template", default="soap")
    args = parser.parse_args()
    f = measure(args.limit, args.template)
    print(f"ACI-Bench test1, {f['n']} dialogues, template {args.template}, offline note writer")
    print(f"after-visit summary: mean Flesch-Kincaid grade {f['grade']:.1f} (max {f['grade_max']:.1f}); "
          f"numbers absent from the dialogue {f['absent']}; sentences per summary {f['sentences']:.1f}; "
          f"summaries with a 'what to do' line {f['todo_pct']:.0f} %; sentences traced to a note statement or "
          f"utterance {f['traced_pct']:.0f} %")
    print(f"parts from what was said: summaries with medicines {f['medicines_pct']:.0f} % (lines with a dose "
          f"{f['dosed_pct']:.0f} %), when to come back {f['return_pct']:.0f} %, warning signs {f['warning_pct']:.0f} %;"
          f" summary lines that are not whole sentences {f['failing_pct']:.0f} %")
    print(f"baseline, the note itself: mean Flesch-Kincaid grade {f['note_grade']:.1f}; numbers absent from the "
          f"dialogue {f['note_absent']}; note statements said again in the second person that are not whole "
          f"sentences {f['restated_failing_pct']:.0f} %")
    print(f"time {f['seconds']:.1f} s")


if __name__ == "__main__":
    main()
