"""LocalAgreement-2: show a word only once two consecutive decodes of the growing audio agree on it.

Whisper re-decodes the whole rolling window each time audio arrives, and the end of each hypothesis
changes as more of the sentence is heard. Committing only the longest common prefix of the last two
hypotheses (Machacek, Dabre and Bojar, "Turning Whisper into Real-Time Transcription System", 2023)
keeps the shown text from flickering, at the cost of about one decode interval of delay.
Pure logic on word lists; the streamer (offline_stream.py) owns the audio and the model.
"""

from __future__ import annotations

import re

from .transcript import LiveWord

_MAX_NGRAM = 5
_OVERLAP_TOLERANCE_MS = 100


def normalise(text: str) -> str:
    return re.sub(r"[^\w']+", "", text.lower())


class LocalAgreement:
    def __init__(self) -> None:
        self.committed: list[LiveWord] = []
        self.tentative: list[LiveWord] = []  # the last hypothesis beyond what is committed

    @property
    def committed_end_ms(self) -> int:
        return self.committed[-1].end_ms if self.committed else 0

    def update(self, hypothesis: list[LiveWord], *, settled_before_ms: int | None = None) -> list[LiveWord]:
        """Feed the newest hypothesis (absolute times); returns the words committed by it.

        `settled_before_ms`: words of the newest hypothesis that end before this time are committed
        even without agreement. Hesitant, disfluent speech ("so if- well, first it was...") can keep
        two decodes from agreeing for many seconds; words that far behind the live edge have been
        decoded with plenty of context after them, and showing them late beats not showing them.
        """
        new = self._after_committed(hypothesis)
        agreed = 0
        while (agreed < len(new) and agreed < len(self.tentative)
               and normalise(new[agreed].text) == normalise(self.tentative[agreed].text)):
            agreed += 1
        if settled_before_ms is not None:
            while agreed < len(new) and new[agreed].end_ms < settled_before_ms:
                agreed += 1
        accepted = new[:agreed]
        self.committed += accepted
        self.tentative = new[agreed:]
        return accepted

    def finish(self) -> list[LiveWord]:
        """At the end of the audio nothing more will come: the last hypothesis stands."""
        rest, self.tentative = self.tentative, []
        self.committed += rest
        return rest

    def _after_committed(self, hypothesis: list[LiveWord]) -> list[LiveWord]:
        end = self.committed_end_ms
        words = [w for w in hypothesis if w.start_ms > end - _OVERLAP_TOLERANCE_MS and normalise(w.text)]
        # The window may re-hear the last committed words at its start: drop a repeated n-gram.
        if words and self.committed and abs(words[0].start_ms - end) < 1000:
            tail = [normalise(w.text) for w in self.committed[-_MAX_NGRAM:]]
            for n in range(min(_MAX_NGRAM, len(words), len(tail)), 0, -1):
                if tail[-n:] == [normalise(w.text) for w in words[:n]]:
                    return words[n:]
        return words
