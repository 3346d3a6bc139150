"""Request validation and reference data for the fake AssemblyAI server.

The fake checks request bodies against AssemblyAI's own published OpenAPI files (shared/reference/
assemblyai/), so a client that drifts from the contract fails in tests instead of in production.

The published `openapi.yml` (March 2026) cannot be used verbatim:
- `TranscriptParams` is `allOf` two objects that each say `additionalProperties: false`; JSON Schema
  evaluates each branch alone, so *every* real request would fail. We flatten it into one object.
- It predates fields the real API accepts today (`domain` for Medical Mode, `keyterms_prompt_options`,
  `redact_pii_return_unredacted`, SDK-only extras of `speaker_options` / `language_detection_options`).
- It still lists the deprecated singular `speech_model`, which the API now rejects (CONTRACT §2.2).
"""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

_REPO = Path(__file__).resolve().parents[2]

# Fields removed from the API whose presence means the client follows stale docs.
_REMOVED_FIELDS = {
    "speech_model": "'speech_model' is deprecated and rejected; send 'speech_models' (a priority list)",
    "word_boost": "'word_boost' is no longer supported; use 'keyterms_prompt'",
    "boost_param": "'boost_param' is no longer supported; use 'keyterms_prompt'",
}

# Newer request fields the live API accepts (CONTRACT §2.2, §2.2.1; PY SDK types).
_NEWER_FIELDS: dict[str, Any] = {
    "domain": {"type": ["string", "null"], "enum": ["medical-v1", None]},
    "keyterms_prompt_options": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"keyterms_match_strength": {"enum": ["high", "standard"]}},
    },
    "redact_pii_return_unredacted": {"type": "boolean"},
}
_SPEAKER_OPTIONS_EXTRAS = {
    "use_two_stage_clustering": {"type": "boolean"},
    "long_file_diarization_method": {"enum": ["standard", "experimental"]},
}
_LANGUAGE_DETECTION_EXTRAS = {
    "on_low_language_confidence": {"enum": ["error", "fallback"]},
    "swiss_german": {"type": "boolean"},
    "language_detection_model": {"type": "string"},
}


def reference_dir() -> Path:
    """shared/reference/assemblyai: beside the clone (developers, CI) or inside it (device runs)."""
    override = os.environ.get("FAKE_ASSEMBLYAI_REFERENCE_DIR")
    candidates = [Path(override)] if override else []
    candidates += [_REPO.parent / "shared" / "reference" / "assemblyai",
                   _REPO / "shared" / "reference" / "assemblyai"]
    for candidate in candidates:
        if (candidate / "openapi.yml").is_file():
            return candidate
    raise FileNotFoundError(
        "AssemblyAI reference files not found; expected shared/reference/assemblyai beside the "
        "repository (or set FAKE_ASSEMBLYAI_REFERENCE_DIR)"
    )


def default_dialogue_path() -> Path:
    return reference_dir().parents[1] / "data" / "fareez-osce" / "transcripts" / "RES0091.txt"


@functools.cache
def load_example(name: str) -> dict[str, Any]:
    """A captured API response from examples/, minus our own provenance keys."""
    data = json.loads((reference_dir() / "examples" / name).read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@functools.cache
def _load_spec(name: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses the 300 kB spec ~10x faster
    return yaml.load((reference_dir() / name).read_text(encoding="utf-8"), Loader=loader)


@functools.cache
def _transcript_validator() -> Draft202012Validator:
    spec = copy.deepcopy(_load_spec("openapi.yml"))
    schemas = spec["components"]["schemas"]
    optional = schemas["TranscriptOptionalParams"]
    audio_url = schemas["TranscriptParams"]["allOf"][0]["properties"]["audio_url"]

    properties = dict(optional["properties"], audio_url=audio_url, **_NEWER_FIELDS)
    for name in _REMOVED_FIELDS:
        properties.pop(name, None)
    properties["speaker_options"]["properties"].update(_SPEAKER_OPTIONS_EXTRAS)
    properties["language_detection_options"]["properties"].update(_LANGUAGE_DETECTION_EXTRAS)
    known_values = schemas["SpeakerIdentificationRequestBody"]["properties"][
        "speaker_identification"]["properties"]["known_values"]
    known_values["items"]["maxLength"] = 35  # documented limit, not encoded in the spec

    flat = {
        "type": "object",
        "additionalProperties": False,
        # `speech_models` is required by the spec; newer accounts get a default model, but the
        # scribe must always choose (CONTRACT §7.1), so the fake stays strict here.
        "required": ["audio_url", *optional.get("required", [])],
        "properties": properties,
        "components": spec["components"],  # lets "#/components/..." $refs resolve
    }
    return Draft202012Validator(flat)


@functools.cache
def _gateway_validator() -> Draft202012Validator:
    spec = _load_spec("llm-gateway.yml")
    schema = dict(spec["components"]["schemas"]["LLMGatewayRequest"], components=spec["components"])
    return Draft202012Validator(schema)


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.absolute_path)
    return f"{where}: {error.message}" if where else error.message


def transcript_params_error(body: Any) -> str | None:
    """Why a POST /v2/transcript body would be rejected, or None when it is acceptable."""
    if not isinstance(body, dict):
        return "Request body must be a JSON object"
    for name, why in _REMOVED_FIELDS.items():
        if name in body and body[name] is not None:
            return why
    error = best_match(_transcript_validator().iter_errors(body))
    if error is not None:
        return _describe(error)
    return _speaker_identification_error(body)


def _speaker_identification_error(body: dict[str, Any]) -> str | None:
    request = (body.get("speech_understanding") or {}).get("request") or {}
    task = request.get("speaker_identification")
    if task is None:
        return None
    if not body.get("speaker_labels"):
        return "Speaker identification requires speaker_labels to be enabled"
    if task["speaker_type"] == "role" and not (task.get("known_values") or task.get("speakers")):
        return "known_values is required when speaker_type is 'role'"
    return None


def gateway_request_error(body: Any) -> str | None:
    """Why a POST /v1/chat/completions body would be rejected (HTTP 400), or None."""
    if not isinstance(body, dict):
        return "Invalid request: body must be a JSON object"
    if "model" not in body:
        return "Invalid request: missing required field 'model'"
    if "messages" not in body and "prompt" not in body:
        return "Invalid request: one of 'messages' or 'prompt' is required"
    error = best_match(_gateway_validator().iter_errors(body))
    return f"Invalid request: {_describe(error)}" if error is not None else None
