"""Transcript objects for the fake AssemblyAI server, built from a real doctor-patient dialogue.

Shapes follow the captured responses in shared/reference/assemblyai/examples/: the server returns
every field (nulls included) and echoes the request config (CONTRACT §2.3).
"""

from __future__ import annotations

import copy
import hashlib
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assemblyai_schema import load_example

DELETED_URL = "http://deleted_by_user"
UPLOAD_URL_PREFIX = "https://cdn.assemblyai.com/upload/"

# Turn prefixes in the Fareez OSCE transcripts, typos included: "D:", "D;", "D :", "DL", 'D"', "P::",
# "P No." (space only). A line without a prefix continues the previous turn.
_TURN_RE = re.compile(r'^\s*([DP])(?:\s*[:;"]+|L(?=\s)|\s+)\s*(.*)$')
_NAME_RES = (
    re.compile(r"\b[Mm]y name is ([A-Z][a-z]+(?: [A-Z][a-z]+)?)"),
    re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Miss)\.? ([A-Z][a-z]+)"),
)
_EMPTY_ANALYSIS = {"status": "unavailable", "results": [], "summary": {}}


@dataclass(frozen=True)
class Turn:
    role: str  # "D" (doctor) or "P" (patient), as written in the source transcript
    text: str


def parse_dialogue(path: Path) -> list[Turn]:
    turns: list[Turn] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _TURN_RE.match(line)
        if match:
            turns.append(Turn(match.group(1), match.group(2).strip()))
        elif turns:
            turns[-1] = Turn(turns[-1].role, f"{turns[-1].text} {line}")
    turns = [t for t in turns if t.text]
    if not turns:
        raise ValueError(f"no D:/P: turns found in {path}")
    return turns


def queued_transcript(transcript_id: str, request: dict[str, Any], status: str) -> dict[str, Any]:
    """The POST /v2/transcript answer: the captured queued example with this request echoed."""
    obj = copy.deepcopy(load_example("transcript_queued_create_response.json"))
    obj.update(domain=None, keyterms_prompt_options=None, redact_pii_return_unredacted=None)
    echo = {k: v for k, v in request.items() if k != "webhook_auth_header_value"}  # never echoed
    obj.update(copy.deepcopy(echo))
    obj.update(id=transcript_id, status=status, speech_model=None, speech_model_used=None,
               webhook_auth=bool(request.get("webhook_auth_header_name")))
    return obj


def error_fields(message: str) -> dict[str, Any]:
    return {"status": "error", "error": message,
            "content_safety_labels": dict(_EMPTY_ANALYSIS), "iab_categories_result": dict(_EMPTY_ANALYSIS)}


def download_error(audio_url: str) -> str:
    # Verbatim shape from AssemblyAI's common-errors page (CONTRACT §2.3).
    return (f"Download error, unable to download {audio_url}. Please make sure the file exists "
            "and is accessible from the internet.")


def completed_fields(request: dict[str, Any], turns: list[Turn], *,
                     speaker_identification: bool) -> dict[str, Any]:
    """Result fields of a completed transcript for `request`, transcribing `turns`."""
    speaker_labels = bool(request.get("speaker_labels"))
    labels = _diarization_labels(turns)
    utterances = [_utterance(t, labels[t.role]) for t in _timed(turns)]
    words = [w for u in utterances for w in u["words"]]
    unredacted = copy.deepcopy(utterances)

    if request.get("redact_pii") and "person_name" in (request.get("redact_pii_policies") or ["person_name"]):
        _redact_names(utterances, request.get("redact_pii_sub") or "hash")

    fields: dict[str, Any] = {}
    task = ((request.get("speech_understanding") or {}).get("request") or {}).get("speaker_identification")
    if task and speaker_identification:
        mapping = _role_mapping(task, labels)
        for u in utterances + unredacted:
            u["speaker"] = mapping.get(u["speaker"], u["speaker"])
            for w in u["words"]:
                w["speaker"] = u["speaker"]
        fields["speech_understanding"] = {
            "request": copy.deepcopy(request["speech_understanding"]["request"]),
            "response": {"speaker_identification": {"mapping": mapping, "status": "success"}},
        }
    if not speaker_labels:  # without diarization words carry speaker null and there are no utterances
        for u in utterances + unredacted:
            for w in u["words"]:
                w["speaker"] = None

    confidence = round(sum(w["confidence"] for w in words) / len(words), 8)
    models = request.get("speech_models") or ["universal"]
    fields.update(
        status="completed",
        text=" ".join(u["text"] for u in utterances),
        words=[w for u in utterances for w in u["words"]],
        utterances=utterances if speaker_labels else None,
        confidence=confidence,
        audio_duration=math.ceil(words[-1]["end"] / 1000),
        speech_model_used=models[0],
        content_safety_labels=dict(_EMPTY_ANALYSIS),
        iab_categories_result=dict(_EMPTY_ANALYSIS),
        metadata={"domain_used": request.get("domain"), "warning": None, "warnings": []},
    )
    if request.get("language_detection"):
        fields.update(language_code="en", language_confidence=0.9876)
    if request.get("entity_detection"):
        fields["entities"] = []
    if request.get("redact_pii_return_unredacted"):
        fields.update(unredacted_text=" ".join(u["text"] for u in unredacted),
                      unredacted_words=[w for u in unredacted for w in u["words"]],
                      unredacted_utterances=unredacted if speaker_labels else None)
    return fields


def deleted_transcript(obj: dict[str, Any]) -> dict[str, Any]:
    """The deleted shape (captured example): content gone, status unchanged, duration kept."""
    deleted = copy.deepcopy(load_example("transcript_deleted.json"))
    for key in obj.keys() - deleted.keys():  # newer keys the example predates: blank them
        deleted[key] = None
    deleted.update(id=obj["id"], status=obj["status"], audio_duration=obj.get("audio_duration"),
                   language_code=obj.get("language_code"), audio_url=DELETED_URL, text="Deleted by user.")
    if obj.get("error") is not None:
        deleted["error"] = obj["error"]
    return deleted


def transcript_list(items: list[dict[str, Any]], query: dict[str, list[str]], url: str) -> dict[str, Any]:
    """GET /v2/transcript (CONTRACT §2.6): `items` newest first; prev_url pages to older ones."""
    first = {k: v[0] for k, v in query.items() if v}
    try:
        limit = max(1, min(200, int(first.get("limit", "10"))))
    except ValueError:
        raise ValueError("limit must be an integer between 1 and 200") from None
    if first.get("status"):
        items = [i for i in items if i["status"] == first["status"]]
    ids = [i["id"] for i in items]
    if first.get("before_id") in ids:
        items = items[ids.index(first["before_id"]) + 1:]
    if first.get("after_id") in ids:
        items = items[:ids.index(first["after_id"])]
    page = items[:limit]
    current = f"{url}?limit={limit}" + (f"&status={first['status']}" if first.get("status") else "")
    return {
        "page_details": {
            "limit": limit, "result_count": len(page), "current_url": current,
            "prev_url": f"{current}&before_id={page[-1]['id']}" if len(items) > len(page) else None,
            "next_url": f"{current}&after_id={page[0]['id']}" if page else None,
        },
        "transcripts": page,
    }


# --- helpers -------------------------------------------------------------------------------------

def _diarization_labels(turns: list[Turn]) -> dict[str, str]:
    """Diarization names speakers "A", "B" in order of first appearance, not by role."""
    labels: dict[str, str] = {}
    for t in turns:
        labels.setdefault(t.role, "AB"[len(labels)] if len(labels) < 2 else "C")
    return labels


def _role_mapping(task: dict[str, Any], labels: dict[str, str]) -> dict[str, str]:
    values = list(task.get("known_values") or
                  [s.get("role") or s.get("name") for s in task.get("speakers") or []])
    values = [v for v in values if v]
    # The real service reads the conversation to decide who is who; the fake knows the roles, so
    # the clinician-looking value goes to the doctor (else the first value, as listed).
    clinician = next((v for v in values if re.search(r"doc|clinic|physic|provider|nurse|dr", v, re.I)),
                     values[0] if values else None)
    others = [v for v in values if v != clinician]
    mapping: dict[str, str] = {}
    if "D" in labels and clinician:
        mapping[labels["D"]] = clinician
    if "P" in labels and others:
        mapping[labels["P"]] = others[0]
    return dict(sorted(mapping.items()))


@dataclass(frozen=True)
class _TimedTurn:
    role: str
    words: list[dict[str, Any]]


def _timed(turns: list[Turn]) -> list[_TimedTurn]:
    """~300 ms per word (longer words take longer) and 400 ms of silence between turns."""
    rng = random.Random(hashlib.sha256("".join(t.text for t in turns).encode()).digest())
    clock = 240
    timed: list[_TimedTurn] = []
    for turn in turns:
        words = []
        for token in turn.text.split():
            duration = min(700, 180 + 25 * len(token.strip(".,?!")))
            words.append({"text": token, "start": clock, "end": clock + duration,
                          "confidence": round(rng.uniform(0.82, 0.9999), 8), "speaker": None})
            clock += duration + 40
        timed.append(_TimedTurn(turn.role, words))
        clock += 400
    return timed


def _utterance(turn: _TimedTurn, speaker: str) -> dict[str, Any]:
    words = [dict(w, speaker=speaker) for w in turn.words]
    return {
        "speaker": speaker,
        "text": " ".join(w["text"] for w in words),
        "confidence": round(sum(w["confidence"] for w in words) / len(words), 8),
        "start": words[0]["start"],
        "end": words[-1]["end"],
        "words": words,
    }


def _redact_names(utterances: list[dict[str, Any]], sub: str) -> None:
    """Redact person names word by word, so `text`, `words` and `utterances` agree."""
    names = {part for u in utterances for rx in _NAME_RES
             for m in rx.finditer(u["text"]) for part in m.group(1).split()}
    if not names:
        return
    for u in utterances:
        for w in u["words"]:
            core = w["text"].strip(".,?!;:'\"")
            if core in names:
                w["text"] = w["text"].replace(core, "[PERSON_NAME]" if sub == "entity_name" else "#" * len(core))
        u["text"] = " ".join(w["text"] for w in u["words"])
