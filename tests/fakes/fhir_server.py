"""A fake EHR over real HTTP on 127.0.0.1: a SMART Backend Services token endpoint and a FHIR R4 server.

Token endpoint (`POST /auth/token`, form-encoded), as the SMART spec asks of a real one: the JWT
client assertion must be signed by the client's registered public key (RS384/ES384), with
iss = sub = a registered client id, aud = this token URL, exp present and at most 5 minutes ahead,
and a jti never seen before (replay). Scopes must be ones the client may have. Failures answer 400
{"error": "invalid_client" | "invalid_grant" | "invalid_scope", "error_description": ...}.

FHIR endpoint (`/fhir`): `POST /fhir/DocumentReference` needs a live bearer token (401 +
OperationOutcome otherwise) and `application/fhir+json`; the body is validated with the
fhir.resources R4B models and the subject must be a patient this EHR knows (422 + OperationOutcome
otherwise). Created: 201, `Location: <base>/DocumentReference/<id>/_history/1`, the stored resource.
`If-None-Exist: identifier=system|value` is honoured (200 with the existing resource).

    with FakeEhr(public_keys={"scribe": pem}, known_patients={"MRN-1"}) as ehr:
        ... ehr.base_url, ehr.token_url, ehr.documents, ehr.token_requests ...

Shell: `python -m tests.fakes.fhir_server --port 8770 --client-id scribe --public-key scribe.pub.pem
--patient MRN-1` prints FAKE_FHIR_BASE_URL=... and FAKE_FHIR_TOKEN_URL=...; `--make-key DIR` writes a
fresh RS384 key pair there first.
"""

from __future__ import annotations

import argparse
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
from fhir.resources.R4B.documentreference import DocumentReference
from pydantic import ValidationError

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALLOWED_SCOPES = {"system/DocumentReference.write", "system/DocumentReference.c", "system/*.write"}


@dataclass
class TokenRequest:
    client_id: str
    status: int
    error: str = ""


@dataclass
class FakeEhr:
    public_keys: dict[str, bytes]  # client id → PEM public key registered at this EHR
    known_patients: set[str] = field(default_factory=set)  # identifier values and FHIR ids it knows
    port: int = 0
    token_lifetime_s: int = 300
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[TokenRequest] = field(default_factory=list)
    fhir_statuses: list[int] = field(default_factory=list)
    seen_jti: set[str] = field(default_factory=set)
    tokens: dict[str, float] = field(default_factory=dict)  # access token → expiry (time.time)
    # Fault mode: path → raw body answered with 200 instead of the real reply (an HTML sign-in page from
    # a proxy, a JSON array, garbage), as a misconfigured gateway in front of an EHR does.
    garbage: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> FakeEhr:
        fake = self

        class Handler(_Handler):
            ehr = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeEhr:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/fhir"

    @property
    def token_url(self) -> str:
        return f"{self.root}/auth/token"

    def revoke_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    # -- token endpoint -------------------------------------------------------------------------
    def issue_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        def refuse(error: str, description: str, client: str = "") -> tuple[int, dict[str, Any]]:
            self.token_requests.append(TokenRequest(client, 400, error))
            return 400, {"error": error, "error_description": description}

        if form.get("grant_type") != "client_credentials":
            return refuse("unsupported_grant_type", "grant_type must be client_credentials")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            return refuse("invalid_request", "client_assertion_type must be jwt-bearer")
        assertion = form.get("client_assertion", "")
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            return refuse("invalid_client", "client_assertion is not a JWT")
        client = str(unverified.get("iss", ""))
        if client not in self.public_keys:
            return refuse("invalid_client", "unknown client (iss)")
        if header.get("alg") not in ("RS384", "ES384"):
            return refuse("invalid_client", "alg must be RS384 or ES384", client)
        try:
            claims = jwt.decode(assertion, self.public_keys[client], algorithms=["RS384", "ES384"],
                                audience=self.token_url, issuer=client,
                                options={"require": ["iss", "sub", "aud", "exp", "jti"]})
        except jwt.PyJWTError as exc:
            return refuse("invalid_client", f"assertion rejected: {exc}", client)
        if claims["sub"] != client:
            return refuse("invalid_client", "sub must equal iss (the client id)", client)
        if claims["exp"] > time.time() + 300 + 5:  # a few seconds of clock skew allowed
            return refuse("invalid_client", "exp is more than five minutes ahead", client)
        with self._lock:
            if claims["jti"] in self.seen_jti:
                return refuse("invalid_client", "jti already used (replayed assertion)", client)
            self.seen_jti.add(claims["jti"])
        scopes = form.get("scope", "").split()
        if not scopes or any(s not in ALLOWED_SCOPES for s in scopes):
            return refuse("invalid_scope", f"scope must be among {sorted(ALLOWED_SCOPES)}", client)
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = time.time() + self.token_lifetime_s
        self.token_requests.append(TokenRequest(client, 200))
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": self.token_lifetime_s,
                     "scope": " ".join(scopes)}

    # -- FHIR endpoint --------------------------------------------------------------------------
    def create_document(self, headers: dict[str, str], raw: bytes) -> tuple[int, Any, dict[str, str]]:
        token = headers.get("authorization", "").removeprefix("Bearer ").strip()
        with self._lock:
            live = self.tokens.get(token, 0) > time.time()
        if not live:
            return 401, outcome("login", "Bearer token missing, expired or unknown"), {"WWW-Authenticate": "Bearer"}
        if not headers.get("content-type", "").startswith("application/fhir+json"):
            return 415, outcome("not-supported", "Content-Type must be application/fhir+json"), {}
        try:
            body = json.loads(raw)
            resource = DocumentReference.model_validate(body)
        except (ValueError, ValidationError) as exc:
            return 422, outcome("structure", f"Not a valid R4 DocumentReference: {str(exc)[:300]}"), {}
        subject = resource.subject
        known = subject is not None and (
            (subject.reference or "").removeprefix("Patient/") in self.known_patients
            or (subject.identifier is not None and subject.identifier.value in self.known_patients))
        if not known:
            return 422, outcome("processing", "Unknown patient: the subject does not resolve to a Patient",
                                "DocumentReference.subject"), {}
        wanted = headers.get("if-none-exist", "").removeprefix("identifier=")
        with self._lock:
            for doc_id, stored in self.documents.items():
                idents = {f"{i.get('system')}|{i.get('value')}" for i in stored.get("identifier", [])}
                if wanted and wanted in idents:
                    return 200, stored, {"Location": f"{self.base_url}/DocumentReference/{doc_id}/_history/1"}
            doc_id = str(len(self.documents) + 1001)
            stored = {**body, "id": doc_id, "meta": {"versionId": "1",
                                                     "lastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}}
            self.documents[doc_id] = stored
        return 201, stored, {"Location": f"{self.base_url}/DocumentReference/{doc_id}/_history/1", "ETag": 'W/"1"'}


def outcome(code: str, diagnostics: str, expression: str | None = None) -> dict[str, Any]:
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


class _Handler(BaseHTTPRequestHandler):
    ehr: FakeEhr
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silent: request bodies carry notes."""

    def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None,
               content_type: str = "application/fhir+json") -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _garbage(self) -> bool:
        """Answer the fault mode's raw body for this path, if one is set."""
        text = self.ehr.garbage.get(self.path)
        if text is None:
            return False
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if text.lstrip().startswith("<") else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return True

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self._garbage():
            return
        if self.path == "/fhir/.well-known/smart-configuration":
            self._reply(200, {"token_endpoint": self.ehr.token_url, "grant_types_supported": ["client_credentials"],
                              "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                              "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"]},
                        content_type="application/json")
        elif self.path.startswith("/fhir/DocumentReference/"):
            doc = self.ehr.documents.get(self.path.rsplit("/", 1)[1])
            self._reply(200, doc) if doc else self._reply(404, outcome("not-found", "No such DocumentReference"))
        else:
            self._reply(404, outcome("not-found", f"Unknown path {self.path}"))

    def do_POST(self) -> None:  # noqa: N802
        raw = self._body()
        if self._garbage():
            return
        if self.path == "/auth/token":
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            status, body = self.ehr.issue_token(form)
            self._reply(status, body, content_type="application/json")
        elif self.path == "/fhir/DocumentReference":
            status, body, headers = self.ehr.create_document({k.lower(): v for k, v in self.headers.items()}, raw)
            self.ehr.fhir_statuses.append(status)
            self._reply(status, body, headers)
        else:
            self._reply(404, outcome("not-found", f"Unknown path {self.path}"))


def make_key_pair(directory: Path) -> tuple[Path, Path]:
    """A fresh RSA 2048 key pair (private.pem, public.pem) for trying Send to EHR against this fake."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    directory.mkdir(parents=True, exist_ok=True)
    private, public = directory / "private.pem", directory / "public.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    private.chmod(0o600)
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake EHR: SMART Backend Services token endpoint + FHIR R4")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-id", default="scribe")
    parser.add_argument("--public-key", type=Path, help="the client's PEM public key")
    parser.add_argument("--make-key", type=Path, metavar="DIR", help="write a new key pair to DIR and use it")
    parser.add_argument("--patient", action="append", default=[], help="a patient id or MRN this EHR knows")
    args = parser.parse_args()
    if args.make_key:
        private, public = make_key_pair(args.make_key)
        print(f"SCRIBE_FHIR_PRIVATE_KEY_FILE={private}", flush=True)
        args.public_key = public
    if args.public_key is None:
        parser.error("give --public-key or --make-key")
    ehr = FakeEhr(public_keys={args.client_id: args.public_key.read_bytes()}, known_patients=set(args.patient),
                  port=args.port).start()
    print(f"FAKE_FHIR_BASE_URL={ehr.base_url}\nFAKE_FHIR_TOKEN_URL={ehr.token_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        ehr.stop()


if __name__ == "__main__":
    main()
