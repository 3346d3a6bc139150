"""Settings for sending notes to an EHR (FHIR R4 with SMART Backend Services authorisation).

    SCRIBE_FHIR_BASE_URL            the EHR's FHIR R4 base, e.g. https://ehr.example.org/fhir
    SCRIBE_FHIR_TOKEN_URL           its OAuth token endpoint; default: read from
                                    <base>/.well-known/smart-configuration
    SCRIBE_FHIR_CLIENT_ID           the client id the EHR registered for the scribe
    SCRIBE_FHIR_PRIVATE_KEY_FILE    PEM private key whose public half the EHR holds (RSA → RS384,
                                    EC P-384 → ES384)
    SCRIBE_FHIR_KEY_ID              the key's id ("kid") in the scribe's registered JWK Set (optional)
    SCRIBE_FHIR_SCOPE               default system/DocumentReference.write
    SCRIBE_FHIR_PATIENT_ID_SYSTEM   the identifier system of the patient ids clinicians type (an MRN
                                    system URI); not needed when they type Patient/<id>

Read from the environment, then `.env`, then Streamlit secrets, like every other setting.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigurationError

DEFAULT_SCOPE = "system/DocumentReference.write"
SETTING_NAMES = ("SCRIBE_FHIR_BASE_URL", "SCRIBE_FHIR_TOKEN_URL", "SCRIBE_FHIR_CLIENT_ID",
                 "SCRIBE_FHIR_PRIVATE_KEY_FILE", "SCRIBE_FHIR_KEY_ID", "SCRIBE_FHIR_SCOPE",
                 "SCRIBE_FHIR_PATIENT_ID_SYSTEM")


@dataclass(frozen=True)
class EhrSettings:
    base_url: str = ""
    token_url: str = ""
    client_id: str = ""
    private_key_file: Path | None = None
    key_id: str = ""
    scope: str = DEFAULT_SCOPE
    patient_id_system: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dotenv: bool = True,
                 secrets: Mapping[str, object] | None = None) -> EhrSettings:
        if env is None:
            merged = {k: str(v) for k, v in (secrets or {}).items() if isinstance(v, str | int | float | bool)}
            if dotenv:
                from dotenv import dotenv_values

                merged.update({k: v for k, v in dotenv_values(".env").items() if v is not None})
            merged.update(os.environ)
            env = merged

        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        key_file = get("SCRIBE_FHIR_PRIVATE_KEY_FILE")
        return cls(
            base_url=get("SCRIBE_FHIR_BASE_URL").rstrip("/"),
            token_url=get("SCRIBE_FHIR_TOKEN_URL"),
            client_id=get("SCRIBE_FHIR_CLIENT_ID"),
            private_key_file=Path(key_file).expanduser() if key_file else None,
            key_id=get("SCRIBE_FHIR_KEY_ID"),
            scope=get("SCRIBE_FHIR_SCOPE") or DEFAULT_SCOPE,
            patient_id_system=get("SCRIBE_FHIR_PATIENT_ID_SYSTEM"),
        )

    @property
    def configured(self) -> bool:
        return bool(self.base_url)

    def require(self) -> None:
        """Raise with every missing setting named, before anything is sent."""
        missing = [name for name, value in (("SCRIBE_FHIR_BASE_URL", self.base_url),
                                            ("SCRIBE_FHIR_CLIENT_ID", self.client_id),
                                            ("SCRIBE_FHIR_PRIVATE_KEY_FILE", self.private_key_file)) if not value]
        if missing:
            raise ConfigurationError(f"Sending to the EHR needs {', '.join(missing)} (environment, .env or "
                                     "Streamlit secrets). See docs/documents.md.")
        assert self.private_key_file is not None
        if not self.private_key_file.is_file():
            raise ConfigurationError(f"SCRIBE_FHIR_PRIVATE_KEY_FILE points to {self.private_key_file}, "
                                     "which is not a file.")
