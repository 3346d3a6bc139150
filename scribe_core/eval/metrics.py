"""Scoring: word error rate and word-level Doctor/Patient attribution against human transcripts.

Both sides go through Whisper's English normaliser (lower case, no punctuation, spelled-out
numbers to digits, British to American spelling), then hesitation fillers are dropped, because the
Fareez transcribers kept some fillers ("Uhm", "uh") and not others, and Whisper drops most of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILLERS = frozenset(
    ["uh", "uhh", "uhm", "um", "umm", "hmm", "hm", "mm", "mmm", "mhm", "mmhmm", "er", "erm", "ah", "eh"]
)
_TURN = re.compile(r"^\s*([DP])\s*[:;]\s*(.*)$")


@lru_cache(maxsize=1)
def _normaliser():
    from whisper_normalization import EnglishTextNormalizer

    return EnglishTextNormalizer()


def normalise(text: str) -> list[str]:
    """Tokens as scored: Whisper-normalised, fillers removed."""
    return [t for t in _normaliser()(text).split() if t not in FILLERS]


@dataclass
class RefTurn:
    role: str  # "Doctor" / "Patient"
    text: str


def read_fareez_transcript(path: Path) -> list[RefTurn]:
    """Parse "D:"/"P:" turns; a line without a prefix continues the previous turn ("D;" happens)."""
    turns: list[RefTurn] = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        if not line.strip():
            continue
        match = _TURN.match(line)
        if match:
            role = "Doctor" if match.group(1) == "D" else "Patient"
            turns.append(RefTurn(role, match.group(2).strip()))
        elif turns:
            turns[-1].text += " " + line.strip()
    return turns


def word_error_rate(reference: str, hypothesis: str) -> float:
    import jiwer

    ref, hyp = " ".join(normalise(reference)), " ".join(normalise(hypothesis))
    return jiwer.wer(ref, hyp)


def _role_tokens(pairs: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    tokens: list[str] = []
    roles: list[str] = []
    for role, text in pairs:
        words = normalise(text)
        tokens += words
        roles += [role] * len(words)
    return tokens, roles


def role_accuracy(reference: list[tuple[str, str]], hypothesis: list[tuple[str, str]]) -> tuple[float, int]:
    """Fraction of matched words whose hypothesis role equals the reference role.

    Each side is a list of (role, text) turns, normalised turn by turn so every token keeps its
    turn's role. The two token streams are aligned by edit distance (jiwer); only words that
    align as equal count, because a substituted word may belong to a neighbouring turn.
    Returns (accuracy, number of matched words).
    """
    import jiwer

    ref_tokens, ref_roles = _role_tokens(reference)
    hyp_tokens, hyp_roles = _role_tokens(hypothesis)
    if not ref_tokens or not hyp_tokens:
        return 0.0, 0
    out = jiwer.process_words(" ".join(ref_tokens), " ".join(hyp_tokens))
    same = total = 0
    for chunk in out.alignments[0]:
        if chunk.type != "equal":
            continue
        for k in range(chunk.ref_end_idx - chunk.ref_start_idx):
            total += 1
            same += ref_roles[chunk.ref_start_idx + k] == hyp_roles[chunk.hyp_start_idx + k]
    return (same / total if total else 0.0), total
