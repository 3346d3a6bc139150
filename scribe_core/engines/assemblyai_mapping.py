"""Turn an AssemblyAI transcript JSON into the scribe's Transcript (CONTRACT §2.2.2, §2.3).

Roles come from speaker identification when it ran: AssemblyAI then replaces the "A"/"B" labels
with the role strings. When it is missing or failed, the labels are mapped to roles in order of
first appearance and the transcript is marked unconfirmed so the UI asks a clinician to check.
"""

from __future__ import annotations

from ..errors import MalformedResponseError
from ..model import Transcript, Utterance, Word


def speaker_mapping(raw: dict) -> dict[str, str] | None:
    """The label→role mapping when speaker identification succeeded, else None."""
    understanding = raw.get("speech_understanding") or {}
    ident = (understanding.get("response") or {}).get("speaker_identification") or {}
    mapping = ident.get("mapping")
    # Status is "success" in the docs and "completed" in a captured example: a mapping is what counts.
    if isinstance(mapping, dict) and mapping and ident.get("status") not in ("error", "failed"):
        return {str(k): str(v) for k, v in mapping.items()}
    return None


def fallback_roles(labels: list[str], roles: tuple[str, ...]) -> dict[str, str]:
    """A, B, C... in order of first appearance → roles in order; extra speakers keep a 'Speaker X' name."""
    mapping: dict[str, str] = {}
    for label in labels:
        if label not in mapping:
            index = len(mapping)
            mapping[label] = roles[index] if index < len(roles) else f"Speaker {label}"
    return mapping


def to_transcript(raw: dict, roles: tuple[str, ...]) -> Transcript:
    """The domain transcript; a completed transcript in an unexpected shape is a MalformedResponseError."""
    try:
        return _to_transcript(raw, roles)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # The message names the exception type only: the body holds patient text.
        raise MalformedResponseError(
            f"AssemblyAI sent a completed transcript the scribe cannot read ({type(exc).__name__} in its "
            "utterances or words). Retry the encounter; if it persists, report it.",
            service="AssemblyAI",
        ) from exc


def _to_transcript(raw: dict, roles: tuple[str, ...]) -> Transcript:
    raw_utterances = raw.get("utterances") or []
    identified = speaker_mapping(raw)
    role_values = set(identified.values()) if identified else set()
    confirmed = identified is not None
    mapping = identified if identified is not None else fallback_roles(
        [str(u.get("speaker")) for u in raw_utterances], roles)

    def role_of(label: object) -> str:
        text = str(label)
        if text in role_values:  # already replaced by the role string
            return text
        return mapping.get(text, text)

    utterances = []
    for i, u in enumerate(raw_utterances, start=1):
        words = [
            Word(
                text=w["text"],
                start_ms=int(w["start"]),
                end_ms=int(w["end"]),
                confidence=w.get("confidence"),
                speaker=role_of(w.get("speaker")) if w.get("speaker") is not None else None,
            )
            for w in (u.get("words") or [])
        ]
        label = str(u.get("speaker"))
        inverse = {v: k for k, v in (speaker_mapping(raw) or {}).items()}
        utterances.append(
            Utterance(
                id=f"U{i}",
                role=role_of(label),
                start_ms=int(u["start"]),
                end_ms=int(u["end"]),
                text=u.get("text") or "",
                confidence=u.get("confidence"),
                words=words,
                speaker=inverse.get(label, label),
            )
        )
    if not utterances and raw.get("text"):
        # speaker_labels off or no speech turns: keep the text as one unattributed utterance.
        utterances.append(Utterance(id="U1", role=roles[0] if roles else "Speaker", start_ms=0,
                                    end_ms=int((raw.get("audio_duration") or 0) * 1000), text=raw["text"]))
    duration = raw.get("audio_duration")
    return Transcript(
        utterances=utterances,
        roles_confirmed=confirmed,
        language=raw.get("language_code"),
        duration_s=float(duration) if duration is not None else None,
        engine="assemblyai",
        model=raw.get("speech_model_used"),
        redacted=bool(raw.get("redact_pii")),
    )
