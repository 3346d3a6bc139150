"""Send to EHR: POST a DocumentReference to the configured FHIR server, authorised by SMART Backend Services.

Outcomes a clinician reads (and nothing is marked sent unless the server said 201/200):
    201 Created          → SendReceipt(server id from Location, time)
    401 / token refused  → AuthenticationError naming the settings to check
    400/404/409/422      → RemoteServiceError quoting the server's OperationOutcome
    unreachable, 5xx     → ServiceUnavailableError after bounded retries (http.py)

The create is conditional (If-None-Exist on the note version's identifier), so sending the same
version twice leaves one document at the EHR.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import AuthenticationError, RemoteServiceError
from ..http import HttpClient, Resend
from ..model import utc_now
from .ehr_settings import EhrSettings
from .smart_auth import KEY_SETTINGS, SmartBackendAuth, json_object, load_signing_key

FHIR_JSON = "application/fhir+json"
SERVICE = "the EHR"


@dataclass(frozen=True)
class SendReceipt:
    server_id: str  # the DocumentReference's id at the EHR
    location: str
    sent_at: datetime
    created: bool  # False when the EHR already had this version (conditional create)


def outcome_text(body: Any) -> str:
    """The issues of an OperationOutcome, one per clause, as the server worded them."""
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return ""
    parts = []
    for issue in body.get("issue") or []:
        if isinstance(issue, dict):
            detail = issue.get("diagnostics") or (issue.get("details") or {}).get("text") or issue.get("code") or ""
            where = ", ".join(issue.get("expression") or issue.get("location") or [])
            parts.append(" ".join(str(detail).split()) + (f" (at {where})" if where else ""))
    return "; ".join(p for p in parts if p)[:600]


class EhrClient:
    sends_audio_off_device = False
    sends_text_off_device = True  # the signed note goes to the EHR the clinic configured

    def __init__(self, settings: EhrSettings, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time) -> None:
        settings.require()
        assert settings.private_key_file is not None
        self.settings = settings
        self.http = HttpClient(SERVICE, KEY_SETTINGS, timeout_s=(5.0, 30.0), sleep=sleep, clock=clock)
        self.http.session.headers["Accept"] = FHIR_JSON
        signing = load_signing_key(settings.private_key_file, settings.key_id)
        self.auth = SmartBackendAuth(http=self.http, token_url=settings.token_url or self._discover_token_url(),
                                     client_id=settings.client_id, scope=settings.scope, signing=signing, clock=clock)

    def _discover_token_url(self) -> str:
        response = self.http.request("GET", f"{self.settings.base_url}/.well-known/smart-configuration",
                                     ok_statuses=(200, 404))
        url = None
        if response.status_code == 200:
            url = json_object(response, SERVICE, "SMART configuration",
                              advice="Set SCRIBE_FHIR_TOKEN_URL, or check SCRIBE_FHIR_BASE_URL.").get("token_endpoint")
        if not isinstance(url, str) or not url:
            raise RemoteServiceError(f"{self.settings.base_url} publishes no SMART configuration with a token "
                                     "endpoint; set SCRIBE_FHIR_TOKEN_URL.", service=SERVICE)
        return url

    def send(self, document_reference: dict[str, Any]) -> SendReceipt:
        identifier = (document_reference.get("identifier") or [{}])[0]
        headers = {"Content-Type": FHIR_JSON, "Authorization": f"Bearer {self.auth.token()}"}
        if identifier.get("system") and identifier.get("value"):
            headers["If-None-Exist"] = f"identifier={identifier['system']}|{identifier['value']}"
        response = self.http.request("POST", f"{self.settings.base_url}/DocumentReference", json=document_reference,
                                     headers=headers, resend=Resend.IF_REFUSED,
                                     ok_statuses=(200, 201, 400, 401, 403, 404, 409, 412, 422))
        status = response.status_code
        if status in (200, 201) and response.content.strip():
            # An empty body is a server's return=minimal; anything else must be the created resource.
            body: Any = json_object(response, SERVICE, "DocumentReference create",
                                    advice="The note may have been stored: check with the EHR before sending again.")
        else:
            body = _json(response)
        if status in (401, 403):
            self.auth.forget()
            raise AuthenticationError(
                f"The EHR refused the scribe's access token (HTTP {status}"
                + (f": {outcome_text(body)}" if outcome_text(body) else "") + "). "
                f"Check SCRIBE_FHIR_SCOPE and {KEY_SETTINGS}. Nothing was sent.",
                status_code=status, service=SERVICE)
        if status not in (200, 201):
            reason = outcome_text(body) or f"HTTP {status} without an OperationOutcome"
            raise RemoteServiceError(f"The EHR rejected the note (HTTP {status}): {reason}. Nothing was sent.",
                                     status_code=status, service=SERVICE)
        location = response.headers.get("Location") or response.headers.get("Content-Location") or ""
        server_id = _id_from_location(location) or str(body.get("id") or "")
        if not server_id:
            raise RemoteServiceError("The EHR accepted the note but returned no id (no Location header). Check with "
                                     "the EHR before sending again.", status_code=status, service=SERVICE)
        return SendReceipt(server_id=server_id, location=location, sent_at=utc_now(), created=status == 201)


def _id_from_location(location: str) -> str:
    """'…/DocumentReference/123/_history/1' → '123'."""
    parts = [p for p in location.split("?")[0].split("/") if p]
    if "DocumentReference" in parts:
        index = parts.index("DocumentReference")
        if index + 1 < len(parts):
            return parts[index + 1]
    return ""


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}
