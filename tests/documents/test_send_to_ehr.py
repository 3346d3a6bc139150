"""Send to EHR against the fake EHR over real HTTP: SMART Backend Services, then the FHIR create."""

from __future__ import annotations

import socket
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from scribe_core.documents.ehr import EhrClient
from scribe_core.documents.ehr_settings import EhrSettings
from scribe_core.documents.fhir import PatientId, document_reference
from scribe_core.documents.smart_auth import ASSERTION_TYPE, client_assertion, load_signing_key
from scribe_core.errors import (
    AuthenticationError,
    ConfigurationError,
    MalformedResponseError,
    RemoteServiceError,
    ServiceUnavailableError,
)
from tests.fakes.fhir_server import FakeEhr

MRN = PatientId("MRN-1", system="urn:oid:1.2.3.4")


def _write_key(path, key) -> bytes:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture(params=["RS384", "ES384"])
def keyed(request, tmp_path):
    key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) if request.param == "RS384"
           else ec.generate_private_key(ec.SECP384R1()))
    private = tmp_path / "scribe.pem"
    public = _write_key(private, key)
    return request.param, private, public


@pytest.fixture
def ehr(keyed):
    _, _, public = keyed
    with FakeEhr(public_keys={"scribe": public}, known_patients={"MRN-1"}) as fake:
        yield fake


def settings_for(ehr: FakeEhr, private, **changes) -> EhrSettings:
    return EhrSettings(**{"base_url": ehr.base_url, "token_url": ehr.token_url, "client_id": "scribe",
                          "private_key_file": private, **changes})


def client(settings: EhrSettings) -> EhrClient:
    return EhrClient(settings, sleep=lambda s: None)


def test_a_signed_note_is_created_at_the_ehr_with_its_location(ehr, keyed, final_doc):
    algorithm, private, _ = keyed
    assert load_signing_key(private).algorithm == algorithm
    receipt = client(settings_for(ehr, private)).send(document_reference(final_doc, MRN))
    assert receipt.created and receipt.server_id in ehr.documents
    assert receipt.location == f"{ehr.base_url}/DocumentReference/{receipt.server_id}/_history/1"
    stored = ehr.documents[receipt.server_id]
    assert stored["docStatus"] == "final" and stored["subject"]["identifier"]["value"] == "MRN-1"
    assert [r.status for r in ehr.token_requests] == [200]


def test_the_token_is_reused_and_a_resend_of_the_same_version_creates_nothing_new(ehr, keyed, final_doc):
    sender = client(settings_for(ehr, keyed[1]))
    first = sender.send(document_reference(final_doc, MRN))
    again = sender.send(document_reference(final_doc, MRN))
    assert again.server_id == first.server_id and not again.created
    assert len(ehr.documents) == 1 and len(ehr.token_requests) == 1


def test_the_token_url_is_discovered_from_the_smart_configuration(ehr, keyed, final_doc):
    receipt = client(settings_for(ehr, keyed[1], token_url="")).send(document_reference(final_doc, MRN))
    assert receipt.server_id in ehr.documents


def test_a_key_the_ehr_does_not_hold_is_refused_and_nothing_is_sent(ehr, tmp_path, final_doc):
    other = tmp_path / "other.pem"
    _write_key(other, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    with pytest.raises(AuthenticationError, match="SCRIBE_FHIR_CLIENT_ID and SCRIBE_FHIR_PRIVATE_KEY_FILE"):
        client(settings_for(ehr, other)).send(document_reference(final_doc, MRN))
    assert ehr.documents == {} and ehr.token_requests[0].error == "invalid_client"


def test_an_unknown_client_id_is_refused(ehr, keyed, final_doc):
    with pytest.raises(AuthenticationError, match="unknown client"):
        client(settings_for(ehr, keyed[1], client_id="someone-else")).send(document_reference(final_doc, MRN))


def test_a_401_from_the_fhir_server_is_a_clear_message_and_nothing_is_stored(ehr, keyed, final_doc):
    sender = client(settings_for(ehr, keyed[1]))
    sender.auth.token()
    ehr.revoke_tokens()  # the EHR forgot the token the client still holds
    with pytest.raises(AuthenticationError, match="refused the scribe's access token.*Nothing was sent"):
        sender.send(document_reference(final_doc, MRN))
    assert ehr.documents == {} and ehr.fhir_statuses == [401]


def test_a_422_operation_outcome_is_quoted_and_nothing_is_stored(ehr, keyed, final_doc):
    with pytest.raises(RemoteServiceError, match=r"HTTP 422\): Unknown patient.*DocumentReference.subject") as caught:
        client(settings_for(ehr, keyed[1])).send(document_reference(final_doc, PatientId("MRN-404")))
    assert caught.value.status_code == 422 and ehr.documents == {}


def test_an_invalid_resource_is_refused_by_the_servers_validation(ehr, keyed, final_doc):
    broken = document_reference(final_doc, MRN)
    del broken["content"]  # 1..1 in R4: a DocumentReference without its document
    with pytest.raises(RemoteServiceError, match="HTTP 422.*Not a valid R4 DocumentReference.*content"):
        client(settings_for(ehr, keyed[1])).send(broken)
    assert ehr.documents == {}


def test_an_unreachable_ehr_is_reported_after_bounded_retries(tmp_path, keyed, final_doc):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    settings = EhrSettings(base_url=f"http://127.0.0.1:{port}/fhir", token_url=f"http://127.0.0.1:{port}/token",
                           client_id="scribe", private_key_file=keyed[1])
    with pytest.raises(ServiceUnavailableError, match="Could not reach the EHR"):
        client(settings).send(document_reference(final_doc, MRN))


def test_missing_settings_are_all_named():
    with pytest.raises(ConfigurationError, match="SCRIBE_FHIR_BASE_URL, SCRIBE_FHIR_CLIENT_ID, SCRIBE_FHIR_PRIVATE"):
        EhrClient(EhrSettings())


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRIBE_FHIR_BASE_URL", "https://ehr.example.org/fhir/")
    monkeypatch.setenv("SCRIBE_FHIR_CLIENT_ID", "scribe")
    monkeypatch.setenv("SCRIBE_FHIR_PRIVATE_KEY_FILE", str(tmp_path / "k.pem"))
    s = EhrSettings.from_env()
    assert s.base_url == "https://ehr.example.org/fhir" and s.scope == "system/DocumentReference.write"
    with pytest.raises(ConfigurationError, match="not a file"):
        s.require()


# -- the fake's token endpoint really checks the assertion ---------------------------------------
def _token(ehr: FakeEhr, assertion: str, scope: str = "system/DocumentReference.write") -> requests.Response:
    return requests.post(ehr.token_url, data={"grant_type": "client_credentials", "scope": scope,
                                              "client_assertion_type": ASSERTION_TYPE,
                                              "client_assertion": assertion}, timeout=10)


def test_the_fake_refuses_a_replayed_assertion(ehr, keyed):
    assertion = client_assertion(load_signing_key(keyed[1]), "scribe", ehr.token_url)
    assert _token(ehr, assertion).status_code == 200
    replay = _token(ehr, assertion)
    assert replay.status_code == 400 and "jti" in replay.json()["error_description"]


def test_the_fake_refuses_wrong_audience_far_expiry_expired_and_unsigned_assertions(ehr, keyed):
    signing = load_signing_key(keyed[1])
    now = int(time.time())

    def signed(**claims) -> str:
        base = {"iss": "scribe", "sub": "scribe", "aud": ehr.token_url, "exp": now + 60, "jti": uuid.uuid4().hex}
        return jwt.encode({**base, **claims}, signing.key, algorithm=signing.algorithm)

    assert "aud" in _token(ehr, signed(aud="https://elsewhere/token")).json()["error_description"].lower()
    assert "five minutes" in _token(ehr, signed(exp=now + 3600)).json()["error_description"]
    assert "expired" in _token(ehr, signed(exp=now - 60)).json()["error_description"].lower()
    assert "sub" in _token(ehr, signed(sub="other")).json()["error_description"]
    unsigned = jwt.encode({"iss": "scribe", "sub": "scribe", "aud": ehr.token_url, "exp": now + 60, "jti": "x"},
                          "an-hmac-secret-the-ehr-never-accepts", algorithm="HS256")
    assert _token(ehr, unsigned).status_code == 400
    assert _token(ehr, signed(), scope="system/*.read").json()["error"] == "invalid_scope"


SIGN_IN_PAGE = "<html><body><h1>Sign in to the clinic network</h1></body></html>"


@pytest.mark.parametrize("body", [SIGN_IN_PAGE, "[1, 2, 3]", "not json at all"])
def test_a_token_endpoint_answering_something_unreadable_is_a_malformed_answer_naming_it(
    ehr, keyed, final_doc, body
):
    ehr.garbage["/auth/token"] = body
    with pytest.raises(MalformedResponseError) as err:
        client(settings_for(ehr, keyed[1])).send(document_reference(final_doc, MRN))
    assert err.value.service == "the EHR token endpoint"
    assert "token endpoint" in str(err.value) and "SCRIBE_FHIR_TOKEN_URL" in str(err.value)
    assert "Sign in" not in str(err.value)  # the body's content is never quoted
    assert ehr.documents == {} and ehr.fhir_statuses == []  # nothing was sent


@pytest.mark.parametrize("body", [SIGN_IN_PAGE, "[1, 2, 3]", '"created"'])
def test_an_ehr_answering_a_create_with_something_unreadable_is_a_malformed_answer_naming_it(
    ehr, keyed, final_doc, body
):
    ehr.garbage["/fhir/DocumentReference"] = body
    with pytest.raises(MalformedResponseError) as err:
        client(settings_for(ehr, keyed[1])).send(document_reference(final_doc, MRN))
    assert err.value.service == "the EHR" and err.value.status_code == 200
    assert "DocumentReference create" in str(err.value) and "check with the EHR" in str(err.value)


def test_smart_configuration_answering_html_is_a_malformed_answer_naming_the_ehr(ehr, keyed):
    ehr.garbage["/fhir/.well-known/smart-configuration"] = SIGN_IN_PAGE
    with pytest.raises(MalformedResponseError) as err:
        client(settings_for(ehr, keyed[1], token_url=""))
    assert err.value.service == "the EHR" and "SCRIBE_FHIR_TOKEN_URL" in str(err.value)
