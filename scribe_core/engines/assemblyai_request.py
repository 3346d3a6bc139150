"""The body of AssemblyAI's POST /v2/transcript (CONTRACT §2.2): options, key-term limits, PII policy."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ConfigurationError
from ..pii_policy import DEFAULT_PII_POLICIES, DEFAULT_SUBSTITUTION, validate_policies

MAX_KEYTERMS = 1000  # Universal-3 Pro family; Universal-2 allows 200 (CONTRACT §2.2)
MAX_KEYTERM_WORDS = 6


def validate_keyterms(keyterms: list[str]) -> list[str]:
    """Clean and check key terms against AssemblyAI's limits (CONTRACT §2.2: ≤ 6 words each)."""
    cleaned = list(dict.fromkeys(" ".join(t.split()) for t in keyterms if t and t.strip()))
    too_long = [t for t in cleaned if len(t.split()) > MAX_KEYTERM_WORDS]
    if too_long:
        raise ConfigurationError(
            f"Key terms may have at most {MAX_KEYTERM_WORDS} words each; shorten: "
            + "; ".join(repr(t) for t in too_long[:3])
        )
    if len(cleaned) > MAX_KEYTERMS:
        raise ConfigurationError(f"At most {MAX_KEYTERMS} key terms are allowed; {len(cleaned)} were given.")
    return cleaned


@dataclass
class TranscriptOptions:
    speech_models: tuple[str, ...]
    roles: tuple[str, ...] = ("Doctor", "Patient")
    speakers_expected: int | None = None
    keyterms: list[str] = field(default_factory=list)
    medical_mode: bool = True
    redact_pii: bool = True
    pii_policies: tuple[str, ...] = DEFAULT_PII_POLICIES
    pii_substitution: str = DEFAULT_SUBSTITUTION
    language_code: str | None = "en"

    def request_body(self, audio_url: str) -> dict:
        """The POST /v2/transcript body (CONTRACT §2.2.3). Nulls are never sent."""
        if not self.speech_models:
            raise ConfigurationError("ASSEMBLYAI_SPEECH_MODELS must name at least one model")
        body: dict = {
            "audio_url": audio_url,
            "speech_models": list(self.speech_models),
            "speaker_labels": True,
        }
        if self.language_code:
            body["language_code"] = self.language_code
        if self.speakers_expected:
            body["speakers_expected"] = self.speakers_expected
        if self.roles:
            if any(len(r) > 35 for r in self.roles):
                raise ConfigurationError("Speaker roles may have at most 35 characters each")
            body["speech_understanding"] = {
                "request": {
                    "speaker_identification": {"speaker_type": "role", "known_values": list(self.roles)}
                }
            }
        keyterms = validate_keyterms(self.keyterms)
        if keyterms:
            body["keyterms_prompt"] = keyterms
        if self.medical_mode:
            body["domain"] = "medical-v1"
        if self.redact_pii:
            body["redact_pii"] = True
            body["redact_pii_policies"] = list(validate_policies(self.pii_policies))
            body["redact_pii_sub"] = self.pii_substitution
        return body
