"""Speech to words with faster-whisper (CTranslate2, int8 on CPU), fully local.

The model is loaded lazily, once per process and model directory, behind a lock: the Streamlit
worker thread and the evaluation share one instance (CTranslate2 models are safe to call from
several threads; loading twice would only waste 150 MB and a second).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import InvalidAudioError
from ...model import Word
from .vad import SAMPLE_RATE

CPU_THREADS = 2

_lock = threading.Lock()
_models: dict[str, object] = {}


@dataclass(frozen=True)
class AsrSettings:
    """Decoding choices, chosen on the two Fareez recordings CAR0001 and RES0091 (see scribe_core/eval): these
    are the tuning set, so every WER quoted on them (here, in docs/offline-engine.md, in the eval's output)
    is a tuning-set figure, optimistic for recordings the settings never saw.

    beam_size 5 and condition_on_previous_text=False: beam search fixes many short-word errors,
    and not feeding the previous window's text as a prompt stops the repetition loops Whisper
    base falls into on long conversations. Temperature fallback stays on (Whisper's defaults) to
    recover windows whose greedy decode is garbage. VAD keeps faster-whisper's own parameters
    (2 s minimum silence, 400 ms padding): shorter speech chunks give Whisper less context.
    Tuning-set WER mean over CAR0001 / RES0091 (word timestamps on where noted): beam 1 10.4 %;
    beam 5 + word timestamps 9.0 %; the same with 500 ms VAD silences 9.7 %, with 1000 ms 9.4 %.
    """

    beam_size: int = 5
    condition_on_previous_text: bool = False
    word_timestamps: bool = True
    vad_filter: bool = True
    vad_parameters: dict | None = None  # None: faster-whisper's defaults
    language: str = "en"


def _offline_env() -> None:
    # faster-whisper imports huggingface_hub; we only ever pass a local directory, and this makes
    # sure nothing in the hub client would try the network even if a name slipped through.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def load_model(model_dir: Path):
    """The shared WhisperModel for this directory (loaded on first use)."""
    key = str(Path(model_dir).resolve())
    with _lock:
        model = _models.get(key)
        if model is None:
            _offline_env()
            from faster_whisper import WhisperModel

            model = WhisperModel(key, device="cpu", compute_type="int8", cpu_threads=CPU_THREADS,
                                 local_files_only=True)
            _models[key] = model
    return model


def decode_audio(path: Path) -> np.ndarray:
    """Any file ffmpeg (PyAV) reads, as 16 kHz mono float32."""
    from faster_whisper import decode_audio as _decode

    try:
        audio = _decode(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises a zoo of errors for bad files
        raise InvalidAudioError(f"Could not read {Path(path).name} as audio ({type(exc).__name__})") from exc
    if audio.size == 0:
        raise InvalidAudioError(f"{Path(path).name} contains no audio samples")
    return audio


def transcribe(
    model,
    audio: np.ndarray,
    settings: AsrSettings = AsrSettings(),
    keyterms: list[str] | tuple[str, ...] = (),
    language: str | None = None,
    on_progress=None,
) -> tuple[list[Word], str]:
    """Words with start_ms/end_ms/confidence, and the detected language.

    Key terms (drug names, the patient's own vocabulary) go in as faster-whisper `hotwords`, which
    are placed in the prompt of every 30 s window, so they bias spelling throughout the recording.
    """
    kwargs: dict[str, object] = {}
    if settings.vad_filter:
        kwargs["vad_filter"] = True
        if settings.vad_parameters:
            kwargs["vad_parameters"] = dict(settings.vad_parameters)
    terms = [t.strip() for t in keyterms if t and t.strip()]
    if terms:
        kwargs["hotwords"] = ", ".join(terms)
    segments, info = model.transcribe(
        audio,
        language=language or settings.language,
        beam_size=settings.beam_size,
        condition_on_previous_text=settings.condition_on_previous_text,
        word_timestamps=settings.word_timestamps,
        **kwargs,
    )
    duration_s = max(len(audio) / SAMPLE_RATE, 1e-6)
    words: list[Word] = []
    for segment in segments:  # a lazy generator: decoding happens while we iterate
        for w in segment.words or []:
            text = w.word.strip()
            if text:
                words.append(Word(text=text, start_ms=int(round(w.start * 1000)),
                                  end_ms=int(round(w.end * 1000)), confidence=round(float(w.probability), 4)))
        if on_progress is not None:
            on_progress(min(1.0, segment.end / duration_s))
    return words, info.language
