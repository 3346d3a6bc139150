"""Browser audio frames to the 16 kHz mono 16-bit PCM that both live engines and the recording use.

The browser (WebRTC via aiortc) delivers `av.AudioFrame`s, usually 48 kHz, stereo or mono, 20 ms
each. FFmpeg's resampler (PyAV's `AudioResampler`) converts rate, layout and format with its filter
state kept between frames, so chunk boundaries leave no clicks. The level meter is the RMS of each
frame in dBFS.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..pcm_format import BYTES_PER_MS, BYTES_PER_SAMPLE, SAMPLE_RATE

SILENCE_DBFS = -90.0


def ms_to_bytes(ms: float) -> int:
    return int(ms * SAMPLE_RATE / 1000) * BYTES_PER_SAMPLE


def bytes_to_ms(n: int) -> float:
    return n / BYTES_PER_MS


class Downsampler:
    """Stateful conversion of audio frames to 16 kHz mono s16 bytes."""

    def __init__(self) -> None:
        import av

        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)

    def convert(self, frame: Any) -> bytes:
        """One `av.AudioFrame` in, the PCM it yields out (may be empty while the filter fills)."""
        return _pcm(self._resampler.resample(frame))

    def convert_array(self, samples: np.ndarray, sample_rate: int) -> bytes:
        """Interleaved int16 samples shaped (n,) or (n, channels), e.g. from a test or a file."""
        import av

        data = samples if samples.ndim == 2 else samples[:, None]
        layout = "mono" if data.shape[1] == 1 else "stereo"
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data.reshape(1, -1), dtype=np.int16),
                                           format="s16", layout=layout)
        frame.sample_rate = sample_rate
        return self.convert(frame)

    def flush(self) -> bytes:
        return _pcm(self._resampler.resample(None))


def _pcm(frames: Any) -> bytes:
    return b"".join(bytes(out.planes[0])[: out.samples * BYTES_PER_SAMPLE] for out in frames)


def level_dbfs(pcm: bytes) -> float:
    """RMS level of 16-bit PCM in dBFS (0 = full scale; about -90 for digital silence)."""
    if len(pcm) < 2:
        return SILENCE_DBFS
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64) / 32768.0
    rms = math.sqrt(float(np.mean(samples * samples)))
    return max(SILENCE_DBFS, 20 * math.log10(rms)) if rms > 0 else SILENCE_DBFS


def pcm_to_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0

