"""The offline pipeline as plain steps: audio -> words -> speakers -> utterances -> roles -> redaction.

`OfflinePipeline.process` is what the engine runs and what the evaluation measures, so the
figures in `python -m scribe_core.eval` are those of the shipped code path. Heavy resources (the
Whisper model, the voice encoder, Presidio) are process-wide singletons loaded on first use.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...model import Transcript, Utterance, Word
from ..base import ProgressFn, TranscriptionRequest, no_progress
from . import asr, diarize, redact, roles, vad
from .models import whisper_model_dir

NEW_UTTERANCE_PAUSE_MS = 3000  # same speaker, long silence: a new utterance (finer citations)

_encoder_lock = threading.Lock()
_encoder = None


def get_voice_encoder():
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            from .voice_encoder import VoiceEncoder

            _encoder = VoiceEncoder()
    return _encoder


@dataclass
class StageTimes:
    """Seconds spent per stage (model loading excluded where it can be separated)."""

    asr_s: float = 0.0
    diarization_s: float = 0.0
    redaction_s: float = 0.0
    load_s: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


@dataclass
class OfflinePipeline:
    data_dir: Path
    model_dir_override: str = ""
    asr_settings: asr.AsrSettings = field(default_factory=asr.AsrSettings)
    diarization: diarize.DiarizationSettings = field(default_factory=diarize.DiarizationSettings)

    def model_dir(self) -> Path:
        return whisper_model_dir(self.data_dir, self.model_dir_override)

    def process(self, audio: np.ndarray, request: TranscriptionRequest,
                progress: ProgressFn = no_progress, times: StageTimes | None = None) -> Transcript:
        times = times if times is not None else StageTimes()
        progress("transcribing", 0.0)
        t0 = time.perf_counter()
        model_dir = self.model_dir()
        model = asr.load_model(model_dir)
        t1 = time.perf_counter()
        words, language = asr.transcribe(model, audio, self.asr_settings, request.keyterms,
                                         request.language_code,
                                         on_progress=lambda f: progress("transcribing", f))
        t2 = time.perf_counter()
        times.load_s += t1 - t0
        times.asr_s += t2 - t1

        progress("diarizing", 0.0)
        utterances = self.diarize(audio, words, request)
        times.diarization_s += time.perf_counter() - t2
        progress("diarizing", 1.0)

        # Marked redacted whenever redaction was asked for: an empty transcript has nothing to hide.
        redacted = bool(request.redact_pii)
        if request.redact_pii and utterances:
            progress("redacting", 0.0)
            t3 = time.perf_counter()
            redact.get_analyzer()
            t4 = time.perf_counter()
            utterances, _ = redact.redact_utterances(utterances)
            times.load_s += t4 - t3
            times.redaction_s += time.perf_counter() - t4
            progress("redacting", 1.0)
        return Transcript(utterances=utterances, roles_confirmed=False, language=language,
                          duration_s=round(len(audio) / vad.SAMPLE_RATE, 3), engine="offline",
                          model=model_dir.name, redacted=redacted)

    def diarize(self, audio: np.ndarray, words: list[Word], request: TranscriptionRequest) -> list[Utterance]:
        """Speaker labels on the words, utterances U1..Un, roles guessed."""
        if not words:
            return []
        regions = vad.speech_regions(audio)
        starts = diarize.window_starts(len(audio), regions, self.diarization)
        n_speakers = request.speakers_expected
        if len(starts) >= 4 and n_speakers != 1:
            embeddings = get_voice_encoder().embed_windows(audio, starts)
            labels = diarize.cluster(embeddings, n_speakers, self.diarization)
        else:
            labels = np.zeros(len(starts), dtype=int)
        for word, label in zip(words, diarize.label_words(words, starts, labels, self.diarization), strict=True):
            word.speaker = label
        utterances = group_utterances(words)
        role_of = roles.assign_roles(utterances, tuple(request.roles))
        for u in utterances:
            u.role = role_of[u.speaker or ""]
        return utterances


def group_utterances(words: list[Word]) -> list[Utterance]:
    """Consecutive words of one speaker form an utterance; a long pause starts a new one."""
    groups: list[list[Word]] = []
    for w in words:
        if groups and groups[-1][-1].speaker == w.speaker and \
                w.start_ms - groups[-1][-1].end_ms < NEW_UTTERANCE_PAUSE_MS:
            groups[-1].append(w)
        else:
            groups.append([w])
    utterances = []
    for i, group in enumerate(groups, start=1):
        confidences = [w.confidence for w in group if w.confidence is not None]
        utterances.append(Utterance(
            id=f"U{i}", role="", start_ms=group[0].start_ms, end_ms=group[-1].end_ms,
            text=" ".join(w.text for w in group),
            confidence=round(float(np.mean(confidences)), 4) if confidences else None,
            words=group, speaker=group[0].speaker))
    return utterances
