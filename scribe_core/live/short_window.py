"""Whisper for a short rolling window: encode only the audio that is there, not 30 s of padding.

faster-whisper pads every window's features to Whisper's 30 s (3000 frames) before the encoder, so a
live decode of a 5-15 s window pays for 30 s: the encoder was most of each decode's time (profiled on
2 cores: 1.2 s of 1.7 s with tiny.en). CTranslate2's encoder takes a shorter input (the positional
embeddings are sliced), as whisper.cpp's `audio_ctx` does, and the decoder, the alignment for word
times and the seek all follow the encoder output's length. Accuracy is a little lower than with the
full context; the final transcript is made by the batch pass over the whole recording anyway.

The wrapper shares the loaded model (weights, tokenizer, feature extractor) and changes nothing on
it, so the batch engine using the same model object still encodes full 30 s windows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

FULL_FRAMES = 3000  # Whisper's 30 s window in 10 ms feature frames
MIN_FRAMES = 1000  # below 10 s of context Whisper starts repeating itself (seen on 6 s windows); pad to it


def content_frames(features: np.ndarray) -> int:
    """Frames up to the last one holding audio (faster-whisper pads with exact zeros), rounded up to
    an even count (the encoder's convolution halves it) within [MIN_FRAMES, FULL_FRAMES]."""
    filled = np.flatnonzero(np.any(features != 0, axis=-2).reshape(-1, features.shape[-1]).any(axis=0))
    frames = int(filled[-1]) + 1 if filled.size else MIN_FRAMES
    frames += frames % 2
    return max(MIN_FRAMES, min(FULL_FRAMES, frames))


def short_window_model(model: Any) -> Any:
    """A view of a faster-whisper WhisperModel whose encoder sees only the window's own frames."""
    base = type(model)

    class ShortWindowWhisper(base):  # type: ignore[misc, valid-type]  # a subclass of whatever was loaded
        def __init__(self) -> None:  # shares the loaded model's state instead of loading again
            self.__dict__.update(model.__dict__)

        def encode(self, features: np.ndarray) -> Any:
            return super().encode(features[..., : content_frames(features)])

    return ShortWindowWhisper()
