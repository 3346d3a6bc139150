"""Local live transcription: faster-whisper over a rolling window, with the LocalAgreement-2 policy.

A worker thread decodes the audio window [window start, now] whenever at least `min_chunk_s` of new
audio has arrived (so on a slow machine each decode simply covers more audio and the streamer keeps
up with real time), commits the words two consecutive decodes agree on (or, failing agreement, the
words `settle_s` behind the live edge, so hesitant speech cannot hold the text back), and trims the window once it
is longer than `window_s`, at the end of the last committed sentence (or word). Committed text
outside the window goes in as the prompt, key terms as hotwords.

Each decode is made cheap, since the final transcript is made by the offline engine's full pipeline
over the whole recording at stop: the encoder sees only the window's own audio instead of 30 s of
padding (short_window.py; this was most of a decode's time), greedy decoding at temperature 0 with no
fallback re-decodes, no timestamp tokens (word times come from the alignment), at most a few tokens
per second of audio (a runaway repetition stops there). New audio that is quiet is not decoded when
no words are waiting for agreement. The model is the offline engine's (same loader, same weights,
loaded once per process). Nothing here touches the network.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..pcm_format import SAMPLE_RATE
from .local_agreement import LocalAgreement
from .pcm import pcm_to_float
from .short_window import short_window_model
from .stream_thread import StreamThread
from .transcript import LiveTurn, LiveWord

_SENTENCE_END = (".", "?", "!")
_PROMPT_CHARS = 200
_TOKENS_PER_S = 6  # fast speech is about 4 tokens a second; a runaway repetition is cut at this
_QUIET_RMS = 10 ** (-50 / 20)  # -50 dBFS: below this the new audio holds no speech worth a decode


class OfflineStreamer(StreamThread):
    engine = "offline"
    thread_name = "offline-stream"
    sends_audio_off_device = False  # decoded here
    sends_text_off_device = False
    stop_timeout_s = 60.0  # the last decode of the window, on a slow machine

    def __init__(self, *, model_loader: Callable[[], Any], keyterms: Sequence[str] = (), min_chunk_s: float = 1.0,
                 window_s: float = 15.0, settle_s: float = 4.0, model_name: str = "whisper-base") -> None:
        super().__init__()  # `error` stays None: local decoding has no connection to lose
        self._load = model_loader
        self._hotwords = ", ".join(t.strip() for t in keyterms if t.strip()) or None
        self._min_chunk = int(min_chunk_s * SAMPLE_RATE)
        self._window = int(window_s * SAMPLE_RATE)
        self._settle_ms = int(settle_s * 1000)
        self.model = model_name
        self.dropped_keyterms: list[str] = []
        self.agreement = LocalAgreement()
        self.decode_seconds: list[float] = []  # time each decode took (benchmarks read it)
        self.skipped_quiet = 0  # decodes left out because the new audio was quiet
        self._audio = np.zeros(0, dtype=np.float32)  # the window: samples from `_start` on
        self._start = 0
        self._decoded_to = 0
        self._open: list[LiveWord] = []  # committed words of the sentence still being spoken

    def feed(self, pcm: bytes) -> None:
        with self._lock:
            self._audio = np.concatenate((self._audio, pcm_to_float(pcm)))
            self._lock.notify_all()

    def _run(self) -> None:
        model = short_window_model(self._load())
        while True:
            with self._lock:
                while not self._stopping and self._start + len(self._audio) - self._decoded_to < self._min_chunk:
                    self._lock.wait(0.05)
                window, start, stopping = self._audio.copy(), self._start, self._stopping
            new = window[max(0, self._decoded_to - start):]
            self._decoded_to = start + len(window)
            if not stopping and not self.agreement.tentative and _quiet(new):
                self.skipped_quiet += 1  # silence after everything was shown: nothing to decode
                continue
            if len(window):
                hypothesis = self._decode(model, window, start)
                edge_ms = (start + len(window)) * 1000 // SAMPLE_RATE
                self._commit(self.agreement.update(hypothesis, settled_before_ms=edge_ms - self._settle_ms))
            if stopping:
                self._commit(self.agreement.finish(), closing=True)
                return
            self._trim()

    def _decode(self, model: Any, window: np.ndarray, start: int) -> list[LiveWord]:
        began = time.monotonic()
        outside = [w.text for w in self.agreement.committed if w.end_ms * SAMPLE_RATE // 1000 <= start]
        # no_repeat_ngram_size: greedy Whisper on a short window can loop ("No coughing. No coughing. ..."),
        # and two decodes then agree on the loop. min_chunk_s 1 s (not 0.5): decodes half a second apart
        # see nearly the same window end and agree on what Whisper invents there ("Thank you."). Found
        # when a test paced decodes as a fast machine would: WER against the batch decode 1.53 -> 0.15.
        segments, _ = model.transcribe(
            window, language="en", beam_size=1, temperature=0.0, word_timestamps=True, without_timestamps=True,
            condition_on_previous_text=False, vad_filter=False, hotwords=self._hotwords, no_repeat_ngram_size=3,
            max_new_tokens=int(len(window) / SAMPLE_RATE * _TOKENS_PER_S) + 10,
            initial_prompt=" ".join(outside)[-_PROMPT_CHARS:] or None)
        offset_ms = start * 1000 // SAMPLE_RATE
        words = [LiveWord(w.word.strip(), offset_ms + int(w.start * 1000), offset_ms + int(w.end * 1000),
                          round(float(w.probability), 4))
                 for segment in segments for w in (segment.words or []) if w.word.strip()]
        self.decode_seconds.append(time.monotonic() - began)
        return words

    def _commit(self, words: list[LiveWord], *, closing: bool = False) -> None:
        for word in words:
            self._open.append(word)
            if word.text.endswith(_SENTENCE_END):
                self._close_sentence()
        if closing and self._open:
            self._close_sentence()
        elif self._open:
            self.transcript.set_partial(_turn(self._open, final=False))

    def _close_sentence(self) -> None:
        self.transcript.add_final(_turn(self._open, final=True))
        self._open = []

    def _trim(self) -> None:
        """Keep the window short: cut at the last committed sentence end (or word) once it is too long."""
        with self._lock:
            if len(self._audio) <= self._window:
                return
        if len(self._audio) > 2 * self._window:
            # Decodes keep disagreeing (noise, overlapping talk): take the last hypothesis as it is
            # rather than let the window outgrow Whisper's 30 s.
            self._commit(self.agreement.finish())
        with self._lock:
            start_ms = self._start * 1000 // SAMPLE_RATE
            ends = [w.end_ms for w in self.agreement.committed if w.text.endswith(_SENTENCE_END)]
            cut_ms = ends[-1] if ends and ends[-1] > start_ms else self.agreement.committed_end_ms
            cut = min(cut_ms * SAMPLE_RATE // 1000 - self._start, len(self._audio))
            if cut > 0:
                self._audio = self._audio[cut:]
                self._start += cut


def _quiet(samples: np.ndarray) -> bool:
    return not len(samples) or float(np.sqrt(np.mean(np.square(samples)))) < _QUIET_RMS


def _turn(words: list[LiveWord], *, final: bool) -> LiveTurn:
    return LiveTurn(text=" ".join(w.text for w in words), start_ms=words[0].start_ms, end_ms=words[-1].end_ms,
                    final=final, words=tuple(words))
