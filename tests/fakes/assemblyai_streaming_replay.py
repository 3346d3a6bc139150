"""How the fake streaming server answers: the timeline's turns, revealed as a session's audio reaches them.

A session first finds where its audio starts in the conversation (cross-correlation with the reference
audio, once it has LOCATE_MS of it), then each word becomes heard when the audio passes its end (plus
the server's latency): partial Turns follow the words, the end-of-turn Turn comes `min_turn_silence`
after the turn's last word (or when the next turn starts), and Terminate flushes what was heard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .assemblyai_streaming_timeline import SAMPLE_RATE, TimedWord, locate

if TYPE_CHECKING:
    from .assemblyai_streaming import FakeStreamingServer, Session

BYTES_PER_MS = SAMPLE_RATE * 2 // 1000
LOCATE_MS = 2000  # audio a new session needs before it knows where in the conversation it is


class Replay:
    """Turns of the timeline, revealed as the session's audio reaches them."""

    def __init__(self, server: FakeStreamingServer, session: Session) -> None:
        self.server, self.session = server, session
        self.turn_index: int | None = None
        self.turn_order = 0
        self.partial_words = 0
        self.labels: dict[str, str] = {}

    def _start(self) -> bool:
        s, ref = self.session, self.server.reference
        if s.start_ms is None:
            if ref is None:
                s.start_ms = 0
            elif s.audio_ms >= LOCATE_MS or s.terminated:
                heard = np.frombuffer(bytes(s.audio[:LOCATE_MS * BYTES_PER_MS]), dtype="<i2")
                s.start_ms = locate(heard, ref) * 1000 // SAMPLE_RATE
        if s.start_ms is None:
            return False
        if self.turn_index is None:
            # The first turn whose words lie (mostly) after the session's first audio.
            self.turn_index = next((i for i, t in enumerate(self.server.turns)
                                    if (t[-1].start_ms + t[-1].end_ms) // 2 >= s.start_ms), len(self.server.turns))
        return True

    def advance(self, *, final: bool) -> list[dict[str, Any]]:
        if not self._start():
            return []
        assert self.turn_index is not None and self.session.start_ms is not None
        turns, start = self.server.turns, self.session.start_ms
        heard_until = start + self.session.audio_ms - (0 if final else self.server.latency_ms)
        min_silence = int(self.session.query.get("min_turn_silence", ["100"])[0])
        out = []
        while self.turn_index < len(turns):
            turn = turns[self.turn_index]
            words = [w for w in turn if (w.start_ms + w.end_ms) // 2 >= start and w.end_ms <= heard_until]
            following = turns[self.turn_index + 1][0].start_ms if self.turn_index + 1 < len(turns) else 1 << 62
            complete = len(words) == sum((w.start_ms + w.end_ms) // 2 >= start for w in turn)
            if words and (final or (complete and heard_until >= min(turn[-1].end_ms + min_silence, following))):
                out.append(self._turn(words, turn[0].role, end=True))
                self.turn_index += 1
                self.turn_order += 1
                self.partial_words = 0
                continue
            if len(words) > self.partial_words:
                self.partial_words = len(words)
                out.append(self._turn(words, turn[0].role, end=False))
            if not words and complete:  # the session began after this turn: nothing to say about it
                self.turn_index += 1
                continue
            break
        return out

    def _turn(self, words: list[TimedWord], role: str, *, end: bool) -> dict[str, Any]:
        start = self.session.start_ms or 0
        texts = [w.text if end else w.text.rstrip(".,?!;:") for w in words]
        message: dict[str, Any] = {
            "type": "Turn", "turn_order": self.turn_order, "turn_is_formatted": end, "end_of_turn": end,
            "transcript": " ".join(texts), "utterance": " ".join(texts) if end else "",
            "end_of_turn_confidence": 1.0 if end else 0.0,
            "words": [{"text": t, "start": w.start_ms - start, "end": w.end_ms - start, "confidence": 0.93,
                       "word_is_final": end} for t, w in zip(texts, words, strict=True)],
        }
        if self.session.query.get("speaker_labels") == ["true"]:
            # Diarization names speakers in order of appearance within this session.
            message["speaker_label"] = self.labels.setdefault(role, "AB"[len(self.labels) % 2])
        return message
