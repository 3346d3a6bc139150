"""Voice activity detection with the Silero v6 ONNX model that faster-whisper bundles.

Used twice: faster-whisper runs it internally (`vad_filter=True`) to skip silence before decoding,
and diarization calls `speech_regions` to embed only windows that are mostly speech (a window of
silence or breathing has no speaker identity and would pull the clustering apart).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class VadSettings:
    # For diarization: a shorter minimum silence than faster-whisper's 2 s default, so the pause
    # between a question and its answer is not speech and windows straddling it are skipped.
    # (ASR keeps the 2 s default: longer chunks give Whisper more context, measured lower WER.)
    threshold: float = 0.5
    min_silence_duration_ms: int = 500
    speech_pad_ms: int = 200
    min_speech_duration_ms: int = 0

    def as_faster_whisper(self) -> dict:
        return asdict(self)


def speech_regions(audio: np.ndarray, settings: VadSettings = VadSettings()) -> list[tuple[int, int]]:
    """(start, end) sample offsets of speech."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    chunks = get_speech_timestamps(audio, VadOptions(**settings.as_faster_whisper()), SAMPLE_RATE)
    return [(c["start"], c["end"]) for c in chunks]


def speech_mask(n_samples: int, regions: list[tuple[int, int]]) -> np.ndarray:
    """Boolean per-sample speech mask."""
    mask = np.zeros(n_samples, dtype=bool)
    for start, end in regions:
        mask[start:end] = True
    return mask
