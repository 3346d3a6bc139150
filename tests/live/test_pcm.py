"""Browser frames (48 kHz stereo, 20 ms) to 16 kHz mono PCM, and the level meter."""

from __future__ import annotations

import av
import numpy as np

from scribe_core.live.pcm import SILENCE_DBFS, Downsampler, level_dbfs


def _frames(samples: np.ndarray, rate: int, frame: int):
    for start in range(0, samples.shape[0], frame):
        block = np.ascontiguousarray(samples[start:start + frame].reshape(1, -1))
        f = av.AudioFrame.from_ndarray(block, format="s16", layout="stereo")
        f.sample_rate = rate
        yield f


def test_48_khz_stereo_frames_become_16_khz_mono_with_the_pitch_kept():
    rate, seconds = 48000, 2
    t = np.arange(rate * seconds) / rate
    left = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    stereo = np.stack([left, left], axis=1)
    down = Downsampler()
    pcm = b"".join(down.convert(f) for f in _frames(stereo, rate, 960)) + down.flush()

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    assert abs(len(samples) - 16000 * seconds) <= 32
    spectrum = np.abs(np.fft.rfft(samples[4000:20000]))
    assert abs(np.argmax(spectrum) * 16000 / 16000 - 440) <= 2  # 16000-sample window: 1 Hz bins
    assert abs(level_dbfs(pcm) - 20 * np.log10(8000 / 32768 / np.sqrt(2))) < 0.5


def test_the_level_meter_reads_silence_and_full_scale():
    assert level_dbfs(bytes(3200)) == SILENCE_DBFS
    full = np.full(1600, 32767, dtype="<i2").tobytes()
    assert level_dbfs(full) > -0.01
