"""The after-visit summary's targets on ACI-Bench test1 (benchmarks/documents.py), printed and held."""

from __future__ import annotations

import pytest

from benchmarks.documents import TEST1, measure


@pytest.mark.skipif(not TEST1.exists(), reason="ACI-Bench is in ../shared/data (read-only shared data)")
def test_offline_summaries_of_aci_bench_test1_read_at_grade_8_or_lower_with_no_invented_number():
    figures = measure(None, "soap")
    print(f"\nACI-Bench test1 ({figures['n']} dialogues): after-visit summary mean Flesch-Kincaid grade "
          f"{figures['grade']:.1f} (the note itself: {figures['note_grade']:.1f}); numbers absent from the dialogue "
          f"{figures['absent']} (the note: {figures['note_absent']})")
    assert figures["n"] == 40
    assert figures["grade"] <= 8.0
    assert figures["absent"] == 0
    assert figures["traced_pct"] == 100.0
    assert figures["failing_pct"] == 0.0  # every summary line is a whole sentence
