"""Transcripts from files, for notes drafted with no audio.

Three formats are read, recognised by their content:

    Doctor: Good morning.            plain text, one turn per line ("D:"/"P:" and "D;" accepted);
    Patient: Hi.                     a line with no speaker continues the turn before it
    [doctor] good morning .          ACI-Bench style
    {"utterances": [{"speaker": "A", "text": ...}]}   an AssemblyAI transcript JSON

A malformed file raises `TranscriptFormatError` naming the line (or JSON field) that is wrong.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import ScribeError
from ..model import DOCTOR, PATIENT, Transcript, Utterance

_ROLE_NAMES = {"doctor": DOCTOR, "d": DOCTOR, "dr": DOCTOR, "clinician": DOCTOR, "physician": DOCTOR,
               "patient": PATIENT, "p": PATIENT, "pt": PATIENT}
_ACI_LINE = re.compile(r"^\[(\w[\w_ ]*)\]\s*(.*)$")
_PLAIN_LINE = re.compile(r"^(doctor|patient|clinician|physician|dr|pt|d|p)\s*[:;]\s*(.*)$", re.IGNORECASE)
# Roles other than doctor and patient that ACI-Bench uses ("patient_guest", "doctor_2"): kept as spoken.
_ACI_ROLE = {"doctor": DOCTOR, "patient": PATIENT}
MAX_BYTES = 5_000_000


class TranscriptFormatError(ScribeError):
    """The transcript file cannot be read; the message names the line and says what is expected."""


def parse_transcript_file(source: str | Path) -> Transcript:
    """A Transcript from a file path or from the file's text itself."""
    if isinstance(source, Path) or ("\n" not in source and len(source) < 4096 and Path(source).is_file()):
        path = Path(source)
        if not path.is_file():
            raise TranscriptFormatError(f"No such transcript file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise TranscriptFormatError(too_large(path.name))
        return parse_transcript_bytes(path.name, path.read_bytes())
    return parse_transcript_text(str(source))


def too_large(name: str) -> str:
    return f"{name} is larger than {MAX_BYTES // 1_000_000} MB; is it a transcript?"


def parse_transcript_bytes(name: str, data: bytes) -> Transcript:
    """A Transcript from an uploaded or read file's bytes: refused when too large or not UTF-8 text."""
    if len(data) > MAX_BYTES:
        raise TranscriptFormatError(too_large(name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TranscriptFormatError(f"{name} is not UTF-8 text (byte {exc.start}).") from None
    return parse_transcript_text(text)


def parse_transcript_text(text: str) -> Transcript:
    stripped = text.lstrip()
    if not stripped:
        raise TranscriptFormatError("The transcript is empty: give one turn per line, e.g. 'Doctor: Good morning.'")
    if stripped.startswith("{"):
        return _assemblyai_json(stripped)
    return _lines(text)


def _lines(text: str) -> Transcript:
    turns: list[list[str]] = []  # [role, text]
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        aci, plain = _ACI_LINE.match(line), _PLAIN_LINE.match(line)
        if aci:
            name = aci.group(1).strip().lower()
            role = _ACI_ROLE.get(name, name.replace("_", " ").title())
            turns.append([role, aci.group(2).strip()])
        elif plain:
            turns.append([_ROLE_NAMES[plain.group(1).lower()], plain.group(2).strip()])
        elif turns:
            turns[-1][1] = f"{turns[-1][1]} {line}".strip()  # a wrapped turn goes on
        else:
            shown = line if len(line) <= 40 else line[:40] + "…"
            raise TranscriptFormatError(
                f"Line {number}: no speaker in {shown!r}. Start each turn with 'Doctor:' or 'Patient:' "
                "(or '[doctor]' / '[patient]'), or give an AssemblyAI transcript JSON.")
    turns = [t for t in turns if t[1]]
    if not turns:
        raise TranscriptFormatError("The transcript has speaker labels but no words.")
    utterances = [Utterance(id=f"U{i}", role=role, start_ms=0, end_ms=0, text=words)
                  for i, (role, words) in enumerate(turns, start=1)]
    return Transcript(utterances=utterances, roles_confirmed=True, engine="import")


def _assemblyai_json(text: str) -> Transcript:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptFormatError(f"Line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("utterances"), list):
        raise TranscriptFormatError("The JSON has no 'utterances' list: export the transcript with speaker labels "
                                    "(AssemblyAI speaker_labels=true).")
    speakers: list[str] = []
    utterances = []
    for i, u in enumerate(data["utterances"], start=1):
        if not isinstance(u, dict) or not isinstance(u.get("text"), str):
            raise TranscriptFormatError(f"utterances[{i - 1}] has no 'text' string.")
        speaker = str(u.get("speaker", "?"))
        if speaker not in speakers:
            speakers.append(speaker)
        # AssemblyAI labels speakers A, B, ... by who talks first: the doctor opens most visits.
        role = u.get("role") or (DOCTOR if speakers.index(speaker) == 0 else
                                 PATIENT if speakers.index(speaker) == 1 else f"Speaker {speaker}")
        try:
            start, end = int(u.get("start", 0)), int(u.get("end", 0))
        except (TypeError, ValueError):
            raise TranscriptFormatError(f"utterances[{i - 1}]: 'start'/'end' must be milliseconds.") from None
        utterances.append(Utterance(id=f"U{i}", role=str(role), start_ms=start, end_ms=end, text=u["text"].strip(),
                                    confidence=u.get("confidence"), speaker=speaker))
    if not utterances:
        raise TranscriptFormatError("The JSON's 'utterances' list is empty.")
    return Transcript(utterances=utterances, roles_confirmed=False, engine="import:assemblyai",
                      language=data.get("language_code"))
