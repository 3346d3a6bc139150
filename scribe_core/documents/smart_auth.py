"""SMART Backend Services: an access token from a client-credentials grant with a signed JWT assertion.

The assertion (SMART App Launch, "Backend Services"): header alg RS384 or ES384, typ JWT, kid;
claims iss = sub = client id, aud = the token URL, exp at most five minutes ahead, a fresh jti.
The token is kept until shortly before it expires. Neither the key nor the token is ever logged.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..errors import AuthenticationError, ConfigurationError, MalformedResponseError, RemoteServiceError
from ..http import HttpClient, Resend

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME_S = 300  # the spec's maximum
TOKEN_SERVICE = "the EHR token endpoint"
KEY_SETTINGS = "SCRIBE_FHIR_CLIENT_ID and SCRIBE_FHIR_PRIVATE_KEY_FILE (and that the EHR holds the public key)"


@dataclass(frozen=True)
class SigningKey:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    algorithm: str  # RS384 or ES384
    key_id: str


def load_signing_key(path: Path, key_id: str = "") -> SigningKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigurationError(f"SCRIBE_FHIR_PRIVATE_KEY_FILE ({path}) is not a readable, unencrypted PEM "
                                 "private key.") from exc
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise ConfigurationError("The EHR signing key is an RSA key under 2048 bits; make a stronger one.")
        algorithm = "RS384"
    elif isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP384R1):
        algorithm = "ES384"
    else:
        raise ConfigurationError("The EHR signing key must be RSA (RS384) or EC P-384 (ES384), as SMART Backend "
                                 "Services requires.")
    return SigningKey(key, algorithm, key_id or _thumbprint_id(key))


def _thumbprint_id(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    """A stable key id from the public key (when the clinic gave none): the same key, the same kid."""
    import hashlib

    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:16]


def client_assertion(signing: SigningKey, client_id: str, token_url: str, *, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    claims = {"iss": client_id, "sub": client_id, "aud": token_url, "exp": issued + ASSERTION_LIFETIME_S,
              "iat": issued, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, signing.key, algorithm=signing.algorithm,
                      headers={"kid": signing.key_id, "typ": "JWT"})


class SmartBackendAuth:
    def __init__(self, *, http: HttpClient, token_url: str, client_id: str, scope: str, signing: SigningKey,
                 clock: Callable[[], float] = time.time) -> None:
        self.http = http
        self.token_url = token_url
        self.client_id = client_id
        self.scope = scope
        self.signing = signing
        self.clock = clock
        self._token: str | None = None
        self._expires_at = 0.0

    def token(self) -> str:
        if self._token and self.clock() < self._expires_at - 30:
            return self._token
        form = {"grant_type": "client_credentials", "scope": self.scope, "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(self.signing, self.client_id, self.token_url, now=self.clock())}
        # Resent only if the server never saw it: a resend of a received assertion is a jti replay.
        response = self.http.request("POST", self.token_url, data=form, ok_statuses=(200, 400, 401),
                                     resend=Resend.IF_REFUSED,
                                     headers={"Accept": "application/json"})
        if response.status_code == 200:
            body = json_object(response, TOKEN_SERVICE, "token response",
                               advice="Check that SCRIBE_FHIR_TOKEN_URL is the EHR's token endpoint. Nothing was sent.")
        else:
            body = _json(response)  # a refusal is reported by its status even when its body is unreadable
        if response.status_code != 200:
            error = body.get("error_description") or body.get("error") or f"HTTP {response.status_code}"
            raise AuthenticationError(f"The EHR's token endpoint refused the scribe ({error}). Check {KEY_SETTINGS}.",
                                      status_code=response.status_code, service=TOKEN_SERVICE)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise RemoteServiceError("The EHR's token endpoint answered without an access token.",
                                     service=TOKEN_SERVICE)
        self._token = token
        self._expires_at = self.clock() + float(body.get("expires_in") or 300)
        return token

    def forget(self) -> None:
        self._token = None


def json_object(response: Any, service: str, what: str, *, advice: str) -> dict[str, Any]:
    """The body as a JSON object, or a MalformedResponseError naming the service.

    The message names the call and the body's type, never its content (an HTML page may quote anything).
    """
    try:
        body = response.json()
    except ValueError:
        why = "the body is not JSON"
    else:
        if isinstance(body, dict):
            return body
        why = f"expected a JSON object, got {type(body).__name__}"
    raise MalformedResponseError(f"{service[0].upper()}{service[1:]} sent an answer the scribe cannot read "
                                 f"({what}, HTTP {response.status_code}: {why}). {advice}",
                                 status_code=response.status_code, service=service)


def _json(response: Any) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
