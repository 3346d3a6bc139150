"""Uploads are judged by their content: each kind of bad file is refused with the right reason, real recordings pass."""

from __future__ import annotations

import shutil
import struct
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from scribe_core import audio
from scribe_core.audio import AudioRejected, validate
from scribe_core.errors import InvalidAudioError
from tests.security import CODECS, signal, streamed_webm, tone_file, video_without_audio, write_audio

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
RES0091 = SHARED / "fareez-osce" / "audio" / "RES0091.mp3"
SYNTH_30S = SHARED / "synth" / "synth_doctor_patient_30s.wav"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("uploads")


def rejected(path: Path, code: str, **limits) -> str:
    started = time.monotonic()
    with pytest.raises(AudioRejected) as caught:
        validate(path, **limits)
    assert time.monotonic() - started < 5
    assert isinstance(caught.value, InvalidAudioError)
    assert caught.value.code == code, str(caught.value)
    message = str(caught.value)
    assert message and "\n" not in message and str(path) not in message
    return message


# -- accepted -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", sorted(CODECS))
def test_generated_recordings_in_every_format_are_accepted(files, suffix):
    info = validate(tone_file(files / f"tone{suffix}", seconds=3.0))
    assert info.duration_s == pytest.approx(3.0, abs=0.1)
    assert info.sample_rate == CODECS[suffix][2] and info.channels == 1
    assert info.peak_dbfs is not None and info.peak_dbfs > -20


def test_real_recordings_are_accepted_with_their_durations():
    osce = audio.probe(RES0091)
    assert osce.duration_s == pytest.approx(420.8, abs=1.0) and osce.codec.startswith("mp3")
    synth = audio.probe(SYNTH_30S)
    assert synth.duration_s == pytest.approx(30.0, abs=1.0) and synth.container == "wav"


def test_content_decides_not_the_name(files):
    """A real MP3 named .wav, or with no suffix at all, is still a recording."""
    shutil.copy(RES0091, files / "misnamed.wav")
    shutil.copy(RES0091, files / "noname")
    assert validate(files / "misnamed.wav").duration_s == pytest.approx(420.8, abs=1.0)
    assert validate(files / "noname").codec.startswith("mp3")


def test_quiet_start_is_not_silence_when_speech_comes_later(files):
    rate = 16_000
    samples = np.concatenate([np.zeros(35 * rate), signal(5, rate)])
    assert validate(write_audio(files / "late-start.wav", samples)).duration_s == pytest.approx(40, abs=0.1)


def test_browser_webm_without_a_duration_header(files):
    rate = 48_000
    speech = streamed_webm(files / "recorder.webm", signal(20, rate))
    assert validate(speech).duration_s == pytest.approx(20, abs=0.1)  # measured from the packets
    assert "over 10.0 s" in rejected(speech, "too_long", max_duration_s=10)
    late = streamed_webm(files / "late.webm", np.concatenate([np.zeros(35 * rate), signal(5, rate)]))
    assert validate(late).duration_s == pytest.approx(40, abs=0.1)
    rejected(streamed_webm(files / "muted.webm", np.zeros(40 * rate)), "silent")


def test_quiet_but_real_speech_is_accepted(files):
    """-50 dBFS peaks: a very quiet room, not a dead microphone."""
    validate(write_audio(files / "quiet.wav", signal(3, 16_000, amplitude=10 ** (-50 / 20))))


# -- rejected -------------------------------------------------------------------------------------------------


def test_empty_and_missing_files(files):
    (files / "empty.mp3").write_bytes(b"")
    assert "empty" in rejected(files / "empty.mp3", "empty")
    rejected(files / "missing.mp3", "empty")


def test_text_renamed_mp3(files):
    (files / "notes.mp3").write_text("Patient reports chest pain since Tuesday.\n" * 30)
    assert "text document" in rejected(files / "notes.mp3", "not_audio")


def test_html_and_pdf(files):
    (files / "page.webm").write_text("<!DOCTYPE html>\n<html><body>login</body></html>\n")
    assert "web page" in rejected(files / "page.webm", "not_audio")
    (files / "letter.wav").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 20)
    assert "PDF" in rejected(files / "letter.wav", "not_audio")


def test_elf_executable_renamed_wav(files, monkeypatch):
    shutil.copy("/bin/ls", files / "ls.wav")
    opened = []
    monkeypatch.setattr("av.open", lambda *a, **k: opened.append(a))  # FFmpeg must never see it
    assert "program" in rejected(files / "ls.wav", "executable")
    assert opened == []


@pytest.mark.parametrize("head", [
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # Windows PE
    b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",  # Mach-O 64-bit
    b"\xca\xfe\xba\xbe\x00\x00\x00\x02",  # Mach-O universal
    b"#!/bin/sh\nrm -rf ~\n",
    b"#! /usr/bin/env python3\nprint(1)\n",
])
def test_other_executables(files, head):
    path = files / "program.m4a"
    path.write_bytes(head + bytes(4000))
    rejected(path, "executable")


def test_png_renamed_m4a(files):
    path = files / "photo.m4a"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + bytes(2000))
    assert "image" in rejected(path, "not_audio")


def test_zip_archive_even_holding_a_recording(files):
    with zipfile.ZipFile(files / "visit.zip", "w") as z:
        z.write(SYNTH_30S, "visit.wav")
    shutil.copy(files / "visit.zip", files / "visit.mp3")
    assert "ZIP" in rejected(files / "visit.mp3", "not_audio")


def test_unknown_binary(files):
    noise = np.random.default_rng(3).bytes(20_000)
    assert noise[0] != 0xFF  # (an MPEG sync word would make it "a damaged MP3")
    (files / "noise.ogg").write_bytes(noise)
    rejected(files / "noise.ogg", "not_audio")


def test_video_without_audio_track(files):
    assert "no audio track" in rejected(video_without_audio(files / "screen.mp4"), "no_audio_track")


def test_truncated_mp3_header_only(files):
    data = RES0091.read_bytes()
    (files / "cut.mp3").write_bytes(data[:417])  # the ID3 tag and nothing else
    assert "damaged or incomplete" in rejected(files / "cut.mp3", "corrupt")
    (files / "cut2.mp3").write_bytes(data[:4000])  # tag, Xing header and a few frames of a 7-minute file
    assert "incomplete" in rejected(files / "cut2.mp3", "corrupt")


def test_wav_header_without_samples(files):
    wav = tone_file(files / "full.wav", seconds=5.0).read_bytes()
    (files / "header-only.wav").write_bytes(wav[:44])
    rejected(files / "header-only.wav", "corrupt")


def test_garbage_after_a_valid_header(files):
    flac = tone_file(files / "full.flac", seconds=5.0).read_bytes()
    junk = np.random.default_rng(2).bytes(len(flac) - 200)
    (files / "scrambled.flac").write_bytes(flac[:200] + junk)
    rejected(files / "scrambled.flac", "corrupt")


def test_too_short(files):
    assert "too short" in rejected(tone_file(files / "blip.wav", seconds=0.5), "too_short")
    rejected(tone_file(files / "blip.mp3", seconds=0.5), "too_short")
    rejected(tone_file(files / "three.wav", seconds=3.0), "too_short", min_duration_s=5)


def test_too_long():
    assert audio.MAX_DURATION_S == 4 * 3600
    assert "too long" in rejected(SYNTH_30S, "too_long", max_duration_s=20)
    rejected(RES0091, "too_long", max_duration_s=400)


def test_too_large(files):
    assert audio.MAX_BYTES == 2 * 1024**3
    message = rejected(SYNTH_30S, "too_large", max_bytes=500_000)
    assert "too large (967.4 KB; the limit is 500.0 KB)" in message
    huge = files / "huge.wav"  # a sparse file just over the default limit: no disk used, nothing decoded
    with open(huge, "wb") as f:
        f.truncate(audio.MAX_BYTES + 1)
    rejected(huge, "too_large")


def test_silent_recording(files):
    rate = 16_000
    message = rejected(write_audio(files / "silent.wav", np.zeros(10 * rate)), "silent")
    assert "silent" in message and "microphone" in message
    rejected(write_audio(files / "hiss.mp3", signal(5, rate, amplitude=10 ** (-70 / 20))), "silent")
    # A constant DC offset is no signal either.
    rejected(write_audio(files / "dc.flac", np.full(5 * rate, 0.3)), "silent")
    validate(files / "silent.wav", silence_dbfs=None)  # the check can be turned off


def test_long_silent_recording_is_sampled_quickly(files):
    path = write_audio(files / "long-silent.wav", np.zeros(600 * 16_000))  # 10 minutes, 19 MB
    started = time.monotonic()
    rejected(path, "silent")
    assert time.monotonic() - started < 2


# -- through the pipeline -------------------------------------------------------------------------------------


class MustNotTranscribe:
    name = "assemblyai"

    def submit(self, *args, **kwargs):
        pytest.fail("a rejected upload reached the transcriber")

    def wait(self, *args, **kwargs):
        pytest.fail("a rejected upload reached the transcriber")


@pytest.mark.parametrize("make", ["elf", "silent", "text", "truncated"])
def test_scribe_submit_refuses_and_keeps_nothing(files, tmp_path, make):
    from scribe_core.bootstrap import build_services
    from scribe_core.config import Secret, Settings
    from scribe_core.crypto import generate_key

    upload = tmp_path / "visit.wav"
    if make == "elf":
        shutil.copy("/bin/ls", upload)
    elif make == "silent":
        write_audio(upload, np.zeros(5 * 16_000))
    elif make == "text":
        upload.write_text("not a recording\n" * 100)
    else:
        upload.write_bytes(RES0091.read_bytes()[:3000])
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir, encryption_key=Secret(generate_key()))
    services = build_services(settings, transcribers={"assemblyai": MustNotTranscribe, "offline": MustNotTranscribe},
                              writer_for_engine=lambda _engine: pytest.fail("no note for a rejected upload"))
    with pytest.raises(InvalidAudioError):
        services.scribe.submit(upload, "visit.wav", engine="assemblyai")
    assert services.store.list() == []
    store = services.store
    assert [p for d in (store.audio_dir, store.tmp_dir) for p in d.rglob("*") if p.is_file()] == []
