"""Choosing the omission check's settings on ACI-Bench train + valid (never the test sets).

    .venv/bin/python benchmarks/omission_tuning.py [--splits train valid] [--limit N]

For each set of flagged unit kinds (omission.FLAGGED_KINDS is the shipped one) it prints:
  key facts   numbers and drug names the clinician's reference note records and the dialogue said: share
              the offline draft states, and share stated or listed by the check
  flags       lines listed for the offline writer's complete draft and for the clinician's complete
              reference note (each sentence a statement: the false-alarm test)
  deleted     statements of the draft holding a key fact, deleted one at a time: share after which a line
              citing one of its utterances is listed
Also with each dialogue as raw speech recognition (lower case, no punctuation).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.aci_data import load, omission_figures  # noqa: E402
from scribe_core.clinical.omission import FLAGGED_KINDS  # noqa: E402
from scribe_core.clinical.transcript_import import parse_transcript_text  # noqa: E402
from scribe_core.documents.templates import builtin_template  # noqa: E402
from scribe_core.eval.note_facts import speech_recognition_style  # noqa: E402
from scribe_core.notes.extractive import ExtractiveNoteWriter  # noqa: E402

ACI = builtin_template('aci')

ALL = frozenset({"answer", "number", "drug", "dose", "exam", "result", "order", "referral", "follow_up"})
SETTINGS = {
    "all kinds": ALL,
    "no exam findings": ALL - {"exam"},
    "no answers": ALL - {"answer"},
    "numbers, drugs, doses, answers": frozenset({"number", "drug", "dose", "answer"}),
    "numbers and drugs only": frozenset({"number", "drug", "dose"}),
}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--splits", nargs="+", default=["train", "valid"], choices=["train", "valid"])
    p.add_argument("--limit", type=int)
    p.add_argument("--no-deletions", action="store_true")
    args = p.parse_args()
    rows = load(args.splits, args.limit)
    for style in ("punctuated", "speech recognition"):
        dialogues = [d if style == "punctuated" else speech_recognition_style(d) for _, d, _ in rows]
        transcripts = [parse_transcript_text(d) for d in dialogues]
        drafts = [ExtractiveNoteWriter().draft(t, ACI).note for t in transcripts]
        refs = [n for _, _, n in rows]
        print(f"ACI-Bench {'+'.join(args.splits)}, {len(rows)} dialogues, {style}")
        for name, kinds in SETTINGS.items():
            o = omission_figures(drafts, transcripts, dialogues, refs, kinds, deletions=not args.no_deletions)
            k = o.key_facts
            shipped = " (shipped)" if kinds == FLAGGED_KINDS else ""
            print(f"  {name + shipped:<42} key facts {k.facts}: stated {k.stated_pct:5.1f} %, stated or listed "
                  f"{k.stated_or_listed_pct:5.1f} %; flags: draft {o.mean('flags_draft'):.2f}, clinician's "
                  f"{o.mean('flags_reference'):.2f}; deleted flagged {100 * o.deleted_flagged / max(1, o.deleted):.1f} "
                  f"% of {o.deleted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
