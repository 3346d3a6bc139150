"""The fake LLM Gateway's "model": writes a citing note from the scribe's prompt, deterministically.

The prompt is expected to hold the transcript as lines `[U7] Doctor: text` inside a
`<transcript>` ... `</transcript>` block. The answer is a JSON note
`{"sections": [{"key": ..., "statements": [{"text": ..., "evidence": ["U2"]}]}]}` whose evidence ids
exist, plus one statement that cites an id that does not (so the client's citation check has work).

It also plays a *gullible* model: an "ignore all previous instructions" that escapes the transcript
block (after a premature `</transcript>` smuggled in by the data) is obeyed. Inside the block the same
words are just data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

SOAP_KEYS = ["subjective", "objective", "assessment", "plan"]
HACKED_NOTE = {"sections": [{"key": "plan", "statements": [{"text": "HACKED", "evidence": []}]}]}
MALFORMED = {
    "not_json": 'Sure! Here is your note: {sections: [{key: "subjective", statements: [',
    "bad_schema": '{"sections": {"subjective": "Runny nose for ten days."}}',
}

_UTTERANCE_RE = re.compile(r"^\[(U\d+)\] ([^:]+): (.*)$", re.M)
_OPEN, _CLOSE = re.compile(r"<transcript>", re.I), re.compile(r"</transcript>", re.I)
_INJECTION_RE = re.compile(r"ignore\s+all\s+previous\s+instructions", re.I)

# (words in a section key, whose utterances, what the utterance must mention)
_SECTION_RULES: list[tuple[tuple[str, ...], str | None, str | None]] = [
    (("subjective", "hpi", "history", "complaint"), "patient", None),
    (("objective", "exam", "vital", "finding"), "doctor",
     r"examin|blood pressure|temperature|listen|heart rate|pulse|vital|take a look"),
    (("assessment", "impression", "diagnos"), "doctor", r"think|likely|sounds like|seems|might be|probably"),
    (("plan", "follow"), "doctor", r"prescri|recommend|follow up|follow-up|test|come back|swab|refer"),
    (("medication", "drug"), None, r"medication|\bmg\b|tylenol|advil|ibuprofen|pill|inhaler|taking"),
    (("allerg",), None, r"allerg"),
]


@dataclass(frozen=True)
class Utterance:
    id: str
    speaker: str
    text: str


def prompt_text(body: dict[str, Any]) -> str:
    if "messages" in body:
        return "\n".join(m.get("content") or "" for m in body["messages"])
    return body.get("prompt") or ""


def has_content_array(body: dict[str, Any]) -> bool:
    """The gateway only takes plain-string content; a content array gets an opaque 500 (CONTRACT §3.1)."""
    return any(not isinstance(m.get("content"), str) for m in body.get("messages") or [])


def section_keys(body: dict[str, Any]) -> list[str]:
    try:
        keys = (body["response_format"]["json_schema"]["schema"]["properties"]["sections"]
                ["items"]["properties"]["key"]["enum"])
    except (KeyError, TypeError):
        return list(SOAP_KEYS)
    return [k for k in keys if isinstance(k, str)] or list(SOAP_KEYS)


def split_prompt(text: str) -> tuple[list[Utterance], str]:
    """(utterances of the transcript, text after the first block's closing tag)."""
    start = _block_start(text)
    if start is None:
        return [], ""
    closes = [m for m in _CLOSE.finditer(text, start)]
    region_end = closes[-1].start() if closes else len(text)
    utterances = [Utterance(m.group(1), m.group(2).strip(), m.group(3).strip())
                  for m in _UTTERANCE_RE.finditer(text, start, region_end)]
    outside = text[closes[0].end():] if closes else ""
    return utterances, outside


def _block_start(text: str) -> int | None:
    """The opening tag that starts the transcript (a system prompt may name the tag earlier)."""
    opens = list(_OPEN.finditer(text))
    for m in opens:
        close = _CLOSE.search(text, m.end())
        if _UTTERANCE_RE.search(text, m.end(), close.start() if close else len(text)):
            return m.end()
    return opens[0].end() if opens else None


def write_note(body: dict[str, Any]) -> dict[str, Any]:
    utterances, outside = split_prompt(prompt_text(body))
    if _INJECTION_RE.search(outside):
        return json.loads(json.dumps(HACKED_NOTE))
    keys = section_keys(body)
    if not utterances:
        return {"sections": [{"key": k, "statements": [{"text": "Not discussed.", "evidence": []}]}
                             for k in keys]}
    patient = _patient_label(utterances)
    used: set[str] = set()
    sections = [{"key": k, "statements": _statements(k, utterances, patient, used)} for k in keys]
    bogus_section = next((s for s in sections if s["key"] == "plan"), sections[-1])
    bogus_section["statements"].append(
        {"text": "Return if symptoms worsen.", "evidence": [_unused_id(utterances)]})
    return {"sections": sections}


def _patient_label(utterances: list[Utterance]) -> str:
    speakers = list(dict.fromkeys(u.speaker for u in utterances))
    for s in speakers:
        if "patient" in s.lower() or s.lower() == "p":
            return s
    return speakers[1] if len(speakers) > 1 else ""


def _statements(key: str, utterances: list[Utterance], patient: str, used: set[str]) -> list[dict[str, Any]]:
    who, pattern = next(((w, p) for words, w, p in _SECTION_RULES if any(x in key.lower() for x in words)),
                        (None, None))

    def speaks(u: Utterance) -> bool:
        return who is None or (u.speaker == patient) == (who == "patient")

    def fits(u: Utterance) -> bool:
        return speaks(u) and (pattern is None or re.search(pattern, u.text, re.I) is not None)

    substantial = [u for u in utterances if len(u.text.split()) >= 4] or utterances
    fresh = [u for u in substantial if u.id not in used]
    # Best: fresh utterances that fit; then a reused fitting one; then anything by the right speaker.
    picks = ([u for u in fresh if fits(u)][:2] or [u for u in substantial if fits(u)][:1]
             or [u for u in fresh if speaks(u)][:1] or fresh[:1] or substantial[:1])
    used.update(u.id for u in picks)
    statements = [{"text": _gist(picks[0].text), "evidence": [picks[0].id]}]
    if len(picks) > 1:  # one statement backed by two utterances, as real notes often are
        statements.append({"text": _gist(picks[1].text), "evidence": [picks[1].id, picks[0].id]})
    return statements


def _gist(text: str) -> str:
    """A short truncation of the cited utterance: its first full sentence, at most 25 words."""
    sentence = re.split(r"(?<=[.?!])\s+", text.strip())[0]
    words = (sentence if len(sentence.split()) >= 3 else text).split()
    return " ".join(words[:25]) + ("..." if len(words) > 25 else "")


def _unused_id(utterances: list[Utterance]) -> str:
    ids = {u.id for u in utterances}
    n = 9999
    while f"U{n}" in ids:
        n += 1000
    return f"U{n}"
