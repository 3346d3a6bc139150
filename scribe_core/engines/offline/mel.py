"""The mel spectrogram Resemblyzer's voice encoder was trained on, in numpy (no librosa).

Resemblyzer calls `librosa.feature.melspectrogram(y, sr=16000, n_fft=400, hop_length=160,
n_mels=40)`: a centred STFT with a periodic Hann window, the power spectrum, and Slaney-style mel
filters (Slaney mel scale, area-normalised triangles). This reproduces it; it is a power mel, not
a log mel.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40


def _hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    hz = np.asanyarray(hz, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = hz / f_sp
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    log_part = hz >= min_log_hz
    mels = np.where(log_part, min_log_mel + np.log(np.maximum(hz, 1e-10) / min_log_hz) / logstep, mels)
    return mels


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    mels = np.asanyarray(mels, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(mels >= min_log_mel, min_log_hz * np.exp(logstep * (mels - min_log_mel)), f_sp * mels)


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """(N_MELS, 1 + N_FFT // 2) Slaney filter bank, as librosa.filters.mel builds it."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights.astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    n = np.arange(N_FFT)
    return (0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)).astype(np.float32)  # periodic Hann


def mel_spectrogram(wav: np.ndarray) -> np.ndarray:
    """(frames, 40) float32 power mel spectrogram of a 16 kHz float waveform."""
    wav = np.asarray(wav, dtype=np.float32)
    padded = np.pad(wav, N_FFT // 2, mode="constant")  # librosa >= 0.10: center=True, zero pad
    n_frames = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(n_frames, N_FFT), strides=(padded.strides[0] * HOP, padded.strides[0])
    )
    spectrum = np.abs(np.fft.rfft(frames * _window(), axis=1)) ** 2
    return (spectrum.astype(np.float32) @ mel_filters().T).astype(np.float32)
