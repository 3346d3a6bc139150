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

Declared with every other setting in config.Settings (environment, then `.env`, then Streamlit secrets).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigurationError

if TYPE_CHECKING:
    from ..config import Settings

DEFAULT_SCOPE = "system/DocumentReference.write"


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
    def from_settings(cls, settings: Settings) -> EhrSettings:
        """The EHR part of the scribe's settings (declared in config.Settings, group "ehr")."""
        key_file = settings.fhir_private_key_file.strip()
        return cls(
            base_url=settings.fhir_base_url,
            token_url=settings.fhir_token_url,
            client_id=settings.fhir_client_id.strip(),
            private_key_file=Path(key_file).expanduser() if key_file else None,
            key_id=settings.fhir_key_id.strip(),
            scope=settings.fhir_scope.strip() or DEFAULT_SCOPE,
            patient_id_system=settings.fhir_patient_id_system,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dotenv: bool = True,
                 secrets: Mapping[str, object] | None = None) -> EhrSettings:
        from ..config import Settings

        return cls.from_settings(Settings.from_env(env, dotenv=dotenv, secrets=secrets))

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
