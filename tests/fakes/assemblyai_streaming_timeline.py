"""What the fake Universal-Streaming server "hears": a timeline of words, and the contract checks.

A timeline is the conversation as timed words (text, start_ms, end_ms, role, turn), either
- derived from a real D:/P: transcript with word timing from its length (the batch fake's rule), or
- read from a JSON file of words (e.g. faster-whisper word timestamps of the very audio the test
  feeds, aligned to the transcript's roles), so words appear when they are really spoken.

Connection parameters are checked against `usm-streaming-u3-pro.yml` (channel parameters: enums,
integer ranges, types) plus what the contract adds on top (CONTRACT §4.2): `domain=medical-v1`
(Medical Mode postdates the spec) and the keyterms limits (at most 100 terms, 50 characters each).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .assemblyai_schema import reference_dir
from .assemblyai_transcripts import parse_dialogue

SAMPLE_RATE = 16000
MAX_KEYTERMS = 100
MAX_KEYTERM_CHARS = 50
_NEWER_PARAMS = {"domain": ["medical-v1"]}


@dataclass(frozen=True)
class TimedWord:
    text: str
    start_ms: int
    end_ms: int
    role: str  # "D" / "P" as in the source transcript
    turn: int


def timeline_from_dialogue(path: Path) -> list[TimedWord]:
    """~180 ms + 25 ms per letter for each word, 400 ms between turns (as the batch fake times words)."""
    clock, words = 240, []
    for index, turn in enumerate(parse_dialogue(path)):
        for token in turn.text.split():
            duration = min(700, 180 + 25 * len(token.strip(".,?!")))
            words.append(TimedWord(token, clock, clock + duration, turn.role, index))
            clock += duration + 40
        clock += 400
    return words


def timeline_from_json(path: Path) -> list[TimedWord]:
    """`[{"text", "start_ms", "end_ms", "role", "turn"}, ...]` in spoken order."""
    return [TimedWord(str(w["text"]), int(w["start_ms"]), int(w["end_ms"]), str(w.get("role", "D")),
                      int(w.get("turn", 0))) for w in json.loads(Path(path).read_text())]


def group_turns(words: list[TimedWord]) -> list[list[TimedWord]]:
    turns: list[list[TimedWord]] = []
    for w in words:
        if turns and turns[-1][-1].turn == w.turn:
            turns[-1].append(w)
        else:
            turns.append([w])
    return turns


@functools.cache
def _channel_parameters() -> dict[str, Any]:
    spec = yaml.safe_load((reference_dir() / "usm-streaming-u3-pro.yml").read_text(encoding="utf-8"))
    params = dict(spec["channels"]["streamingU3Pro"]["parameters"])
    params.pop("ApiKey")  # a header, checked separately
    return params


def query_errors(query: dict[str, list[str]]) -> list[str]:
    """Every way the connection's query string breaks the contract (empty when it is valid)."""
    params = _channel_parameters()
    errors: list[str] = []
    for name, values in query.items():
        if len(values) != 1:
            errors.append(f"{name}: sent {len(values)} times (lists are JSON-encoded in one parameter)")
            continue
        value = values[0]
        if name in _NEWER_PARAMS:
            if value not in _NEWER_PARAMS[name]:
                errors.append(f"{name}: {value!r} is not one of {_NEWER_PARAMS[name]}")
            continue
        spec = params.get(name)
        if spec is None:
            errors.append(f"{name}: not a Universal-3 Pro Streaming parameter")
            continue
        errors += _value_errors(name, value, spec)
    if "sample_rate" not in query:
        errors.append("sample_rate: required for PCM audio")
    elif query["sample_rate"] != [str(SAMPLE_RATE)]:
        errors.append(f"sample_rate: this fake replays 16 kHz audio only, got {query['sample_rate'][0]}")
    if query.get("encoding", ["pcm_s16le"]) != ["pcm_s16le"]:
        errors.append("encoding: this fake decodes pcm_s16le only")
    return errors


def _value_errors(name: str, value: str, spec: dict[str, Any]) -> list[str]:
    if "enum" in spec:
        return [] if value in spec["enum"] else [f"{name}: {value!r} is not one of {spec['enum']}"]
    schema = spec.get("schema", {"type": "string"})
    kind = schema.get("type")
    if kind == "integer":
        try:
            number = int(value)
        except ValueError:
            return [f"{name}: {value!r} is not an integer"]
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and number < low) or (high is not None and number > high):
            return [f"{name}: {number} is outside {low}..{high}"]
    elif kind == "number":
        try:
            float(value)
        except ValueError:
            return [f"{name}: {value!r} is not a number"]
    elif kind == "array":
        try:
            items = json.loads(value)
        except ValueError:
            return [f"{name}: must be a JSON-encoded list, got {value[:40]!r}"]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            return [f"{name}: must be a JSON list of strings"]
        if name == "keyterms_prompt":
            if len(items) > MAX_KEYTERMS:
                return [f"keyterms_prompt: {len(items)} terms, at most {MAX_KEYTERMS} are allowed"]
            long = [i for i in items if len(i) > MAX_KEYTERM_CHARS]
            if long:
                return [f"keyterms_prompt: {len(long)} term(s) longer than {MAX_KEYTERM_CHARS} characters"]
    return []


def client_message_errors(message: Any) -> list[str]:
    """Checks a JSON text frame against the spec's client message payloads."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return ["a client JSON message must be an object with a string 'type'"]
    kind = message["type"]
    allowed = {"Terminate": set(), "ForceEndpoint": set(), "KeepAlive": set(),
               "UpdateConfiguration": {"prompt", "keyterms_prompt", "min_turn_silence", "max_turn_silence"}}
    if kind not in allowed:
        return [f"unknown client message type {kind!r}"]
    extra = set(message) - {"type"} - allowed[kind]
    return [f"{kind}: unexpected field(s) {sorted(extra)}"] if extra else []


def locate(received: np.ndarray, reference: np.ndarray) -> int:
    """Sample offset in `reference` where `received` starts.

    Coarse then fine: the normalised cross-correlation of 2 ms loudness envelopes (robust to codecs,
    and 32x smaller) finds the neighbourhood, then raw samples pick the exact offset within it.
    """
    from scipy.signal import correlate

    if len(received) >= len(reference):
        return 0
    block = 32
    query_env, ref_env = _envelope(received, block), _envelope(reference, block)
    coarse = _best_offset(correlate(ref_env, query_env - query_env.mean(), mode="valid", method="fft"),
                          ref_env, len(query_env)) * block
    query = received[:4000].astype(np.float64)
    best, best_score = coarse, -np.inf
    for offset in range(max(0, coarse - 2 * block), min(len(reference) - len(query), coarse + 2 * block) + 1):
        window = reference[offset: offset + len(query)].astype(np.float64)
        score = float(window @ query) / (float(np.sqrt(window @ window)) + 1e-9)
        if score > best_score:
            best, best_score = offset, score
    return best


def _envelope(samples: np.ndarray, block: int) -> np.ndarray:
    usable = len(samples) // block * block
    return np.abs(samples[:usable].astype(np.float64)).reshape(-1, block).mean(axis=1)


def _best_offset(scores: np.ndarray, ref: np.ndarray, length: int) -> int:
    # Normalise by each window's energy around its mean, so loud stretches do not win by loudness alone.
    sums = np.cumsum(np.concatenate(([0.0], ref)))
    squares = np.cumsum(np.concatenate(([0.0], ref * ref)))
    window_sum = sums[length:] - sums[:-length]
    window_sq = squares[length:] - squares[:-length]
    spread = np.sqrt(np.maximum(window_sq - window_sum * window_sum / length, 1e-9))
    return int(np.argmax(scores / spread))


def timeline_from_audio(words: list[tuple[str, int, int]], dialogue: Path) -> list[TimedWord]:
    """Words heard in the real audio (text, start_ms, end_ms; e.g. faster-whisper's word timestamps),
    each given the role and turn of the transcript word it aligns with (difflib over normalised words),
    so the fake says what was really said when it was said, by whom the transcript says."""
    import difflib
    import re

    def norm(text: str) -> str:
        return re.sub(r"[^\w']", "", text.lower())

    turns = parse_dialogue(dialogue)
    script = [(norm(token), turn.role, index) for index, turn in enumerate(turns) for token in turn.text.split()]
    matcher = difflib.SequenceMatcher(a=[norm(w[0]) for w in words], b=[s[0] for s in script], autojunk=False)
    owner: dict[int, tuple[str, int]] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            owner[block.a + k] = script[block.b + k][1:]
    timed, last = [], (turns[0].role, 0)
    for i, (text, start_ms, end_ms) in enumerate(words):
        last = owner.get(i, last)  # an unmatched word belongs to the turn of the word before it
        timed.append(TimedWord(text, start_ms, end_ms, last[0], last[1]))
    return timed
