"""The live recording: encrypted chunk by chunk as it arrives, and whole up to the moment of a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from scribe_core.crypto import DecryptionError, Vault
from scribe_core.storage.live_journal import JOURNAL_MAGIC, LiveRecordingWriter, journal_to_wav, read_journal

REPO = Path(__file__).resolve().parents[2]


def test_every_chunk_is_encrypted_on_disk_and_reads_back_whole(vault, tmp_path, consultation_pcm):
    pcm = consultation_pcm[: 5 * 16000].tobytes()
    path = tmp_path / "visit.journal"
    writer = LiveRecordingWriter(vault, path, "enc1")
    for i in range(0, len(pcm), 640):  # 20 ms browser frames
        writer.append(pcm[i:i + 640])
    assert writer.bytes_recorded == len(pcm)
    assert writer.close() == len(pcm)

    raw = path.read_bytes()
    assert raw.startswith(JOURNAL_MAGIC)
    assert pcm[32000:32064] not in raw  # no stretch of the audio is stored in the clear
    assert b"".join(read_journal(vault, path, "enc1")) == pcm
    wav = tmp_path / "visit.wav"
    assert journal_to_wav(vault, path, "enc1", wav) == len(pcm)
    audio, rate = sf.read(wav, dtype="int16")
    assert rate == 16000 and audio.tobytes() == pcm


def test_a_process_killed_mid_visit_leaves_all_audio_up_to_that_moment(vault, tmp_path, consultation_pcm):
    from tests.conftest import TEST_KEY

    path = tmp_path / "visit.journal"
    pcm_file = tmp_path / "source.pcm"
    pcm_file.write_bytes(consultation_pcm[: 20 * 16000].tobytes())
    script = (
        "import sys, time\n"
        "from scribe_core.crypto import Vault\n"
        "from scribe_core.storage.live_journal import LiveRecordingWriter\n"
        f"w = LiveRecordingWriter(Vault({TEST_KEY!r}), __import__('pathlib').Path({str(path)!r}), 'enc1')\n"
        f"data = open({str(pcm_file)!r}, 'rb').read()\n"
        "for i in range(0, len(data), 640):\n"
        "    w.append(data[i:i + 640])\n"
        "    print(i + 640, flush=True)\n"
        "    time.sleep(0.002)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    fed = 0
    while fed < 4 * 32000:  # let it record 4 s of audio, then kill it without warning
        fed = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    saved = b"".join(read_journal(Vault(TEST_KEY), path, "enc1"))
    source = pcm_file.read_bytes()
    assert saved == source[: len(saved)]
    # Records hold 200 ms: at most the record being filled (and the frames the kill interrupted) is lost.
    assert len(saved) >= fed - 6400 - 10 * 640


def test_a_record_cut_short_by_a_crash_ends_the_journal_and_recording_resumes_after_it(vault, tmp_path):
    path = tmp_path / "visit.journal"
    first = os.urandom(6400 * 3)
    writer = LiveRecordingWriter(vault, path, "enc1")
    writer.append(first)
    writer.close()
    with open(path, "ab") as f:  # half a record: what a power cut mid-write leaves
        f.write(b"\x00\x00\x19\x41" + os.urandom(500))
    assert b"".join(read_journal(vault, path, "enc1")) == first

    second = os.urandom(6400 * 2)
    writer = LiveRecordingWriter(vault, path, "enc1")  # e.g. the app restarted and the visit continues
    writer.append(second)
    writer.close()
    assert b"".join(read_journal(vault, path, "enc1")) == first + second


def test_reordered_records_or_another_visits_journal_are_detected(vault, tmp_path):
    path = tmp_path / "visit.journal"
    writer = LiveRecordingWriter(vault, path, "enc1")
    writer.append(os.urandom(6400 * 3))
    writer.close()
    with pytest.raises(DecryptionError, match="another visit"):
        list(read_journal(vault, path, "enc2"))

    raw = path.read_bytes()
    body = raw[len(JOURNAL_MAGIC):]
    size = 4 + int.from_bytes(body[:4], "big")
    swapped = JOURNAL_MAGIC + body[size:2 * size] + body[:size] + body[2 * size:]
    path.write_bytes(swapped)
    with pytest.raises(DecryptionError, match="out of order"):
        list(read_journal(vault, path, "enc1"))


def test_the_wrong_key_cannot_read_the_journal(vault, tmp_path):
    from scribe_core.crypto import generate_key

    path = tmp_path / "visit.journal"
    writer = LiveRecordingWriter(vault, path, "enc1")
    writer.append(np.ones(3200, dtype="<i2").tobytes())
    writer.close()
    with pytest.raises(DecryptionError):
        list(read_journal(Vault(generate_key()), path, "enc1"))
