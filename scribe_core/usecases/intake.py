"""Intake: a recording, uploaded or recorded in the browser, becomes a stored encounter (state `uploaded`).

The upload is checked in a private staging file; only a real recording is encrypted into the store,
and a rejected one leaves nothing behind. The reason for a rejection speaks of what the user has in
hand: the file for an upload, the microphone for a recording made here.
"""

from __future__ import annotations

import re
import shutil
import uuid
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from .. import audio as audio_probe
from ..access import SYSTEM, Viewer
from ..audio_magic import EXPORT_HINT, AudioRejected
from ..errors import ScribeError
from ..keyterms import parse_keyterms
from ..model import Encounter, utc_now
from ..patient import PatientIdentity
from .ports import Ports


class AudioSource(StrEnum):
    FILE = "file"  # an uploaded file (or one given to the CLI)
    MICROPHONE = "microphone"  # recorded in the browser


def submit(
    ports: Ports,
    audio: BinaryIO | Path,
    source_name: str,
    *,
    by: Viewer | None = None,
    source: AudioSource = AudioSource.FILE,
    engine: str | None = None,
    keyterms: list[str] | tuple[str, ...] = (),
    context: str = "",
    template: str = "soap",
    patient: PatientIdentity | None = None,
) -> Encounter:
    """Validate and store a recording as a new encounter owned by `by` (None: unattended, admins only).

    `patient` (optional) is who the visit is with: checked before anything is stored, so a mistyped
    record number is refused with the recording still in the user's hands."""
    patient = checked_patient(ports, patient)
    actor = by.name if by is not None else SYSTEM.name
    engine = engine or ports.default_engine
    if engine not in ports.transcribers:
        raise ScribeError(f"Unknown engine {engine!r}; choose one of: {', '.join(ports.transcribers)}")
    ports.templates.get(template)  # refuses an unknown template, listing the known ones
    suffix = Path(source_name).suffix.lower() or ".audio"
    staged = ports.store.staging_file(suffix)
    try:
        if isinstance(audio, Path):
            shutil.copyfile(audio, staged)
        else:
            with open(staged, "wb") as out:
                shutil.copyfileobj(audio, out, length=1 << 20)
        try:
            info = audio_probe.probe(staged)
        except AudioRejected as exc:
            ports.store.audit("rejected_upload", actor=actor, remote_result=exc.code)
            raise AudioRejected(exc.code, rejection_message(exc, source)) from exc
        except ScribeError:
            ports.store.audit("rejected_upload", actor=actor)
            raise
        encounter = Encounter(
            id=uuid.uuid4().hex[:12], created=utc_now(), source_name=Path(source_name).name, engine=engine,
            keyterms=parse_keyterms(keyterms), context=context, template=template,
            owner=by.name if by is not None else None, step="waiting", duration_s=info.duration_s,
            patient_name=patient.name, patient_mrn=patient.mrn,
        )
        with open(staged, "rb") as f:
            ports.store.add(encounter, f, suffix)
    finally:
        staged.unlink(missing_ok=True)
    ports.store.audit("submitted", encounter.id, actor=actor, remote_result=f"engine={engine}")
    return encounter


def checked_patient(ports: Ports, patient: PatientIdentity | None) -> PatientIdentity:
    """The identity as typed, validated against the configured record-number pattern (none: empty)."""
    if patient is None:
        return PatientIdentity()
    return PatientIdentity.typed(patient.name, patient.mrn, pattern=ports.patient_id_pattern)


_LEVEL = re.compile(r"\(([^()]*)\)")


def rejection_message(rejected: AudioRejected, source: AudioSource) -> str:
    """The validator's reason, worded for a file or for a recording made with the microphone."""
    message = str(rejected)
    level = _LEVEL.search(message)
    detail = f" ({level.group(1)})" if level else ""
    if source == AudioSource.FILE:
        if rejected.code == "silent":
            return (f"The file is silent{detail}: it holds no sound that could be transcribed. Check that it is "
                    "the consultation's recording (play it first), or export it again with its sound.")
        return message
    if rejected.code == "silent":
        return (f"The recording is silent{detail}: check that the microphone is connected, unmuted and "
                "selected in the browser, then record again.")
    # A recording made here was never exported by anyone: advise recording again instead.
    message = message.replace(EXPORT_HINT, "Record again; if it keeps failing, try another browser.")
    return message.replace("The file", "The recording")
