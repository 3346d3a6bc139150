"""The offline evaluation labels WERs measured on the recordings its decoding settings were chosen on."""

from __future__ import annotations

from scribe_core.eval.run import RECORDINGS, TUNING_RECORDINGS, Row, print_table


def test_wer_on_the_tuning_recordings_is_printed_as_a_tuning_set_figure(capsys):
    row = Row("offline pipeline", wer={"CAR0001": 0.104, "RES0091": 0.076}, seconds={"asr": 8.5}, audio_s=100.0)
    print_table([row], list(RECORDINGS), rss_mb=1000.0)
    out = capsys.readouterr().out
    assert set(RECORDINGS) <= TUNING_RECORDINGS
    assert "WER CAR0001 (tuning)" in out and "WER RES0091 (tuning)" in out and "WER mean (tuning)" in out
    assert "tuning-set figure" in out


def test_a_recording_outside_the_tuning_set_is_not_labelled_as_one(capsys):
    row = Row("offline pipeline", wer={"PRI0001": 0.12}, seconds={"asr": 8.5}, audio_s=100.0)
    print_table([row], ["PRI0001"], rss_mb=1000.0)
    out = capsys.readouterr().out
    assert "(tuning)" not in out and "tuning-set figure" not in out
