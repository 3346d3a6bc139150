"""The POST /v2/transcript body carries what a clinic needs and nothing AssemblyAI rejects."""

import pytest

from scribe_core.engines.assemblyai_api import TranscriptOptions, validate_keyterms
from scribe_core.errors import ConfigurationError
from scribe_core.pii_policy import CLINICAL_POLICIES, DEFAULT_PII_POLICIES


def body(**kw):
    return TranscriptOptions(speech_models=("universal-3-pro", "universal-2"), **kw).request_body("https://cdn/x")


def test_body_asks_for_roles_medical_mode_and_identity_only_redaction():
    b = body(keyterms=["metformin 1000 mg", "lisinopril"], speakers_expected=2)
    assert b["speech_models"] == ["universal-3-pro", "universal-2"]
    assert b["speaker_labels"] is True and b["speakers_expected"] == 2
    ident = b["speech_understanding"]["request"]["speaker_identification"]
    assert ident == {"speaker_type": "role", "known_values": ["Doctor", "Patient"]}
    assert b["keyterms_prompt"] == ["metformin 1000 mg", "lisinopril"]
    assert b["domain"] == "medical-v1"
    assert b["redact_pii"] is True and b["redact_pii_sub"] == "entity_name"
    assert set(b["redact_pii_policies"]) == set(DEFAULT_PII_POLICIES)
    assert not set(b["redact_pii_policies"]) & CLINICAL_POLICIES
    assert "speech_model" not in b and "word_boost" not in b
    assert None not in b.values()


def test_custom_roles_and_options_off():
    b = body(roles=("Nurse", "Patient", "Parent"), medical_mode=False, redact_pii=False)
    ident = b["speech_understanding"]["request"]["speaker_identification"]
    assert ident["known_values"] == ["Nurse", "Patient", "Parent"]
    assert "domain" not in b and "redact_pii" not in b and "keyterms_prompt" not in b


def test_keyterms_are_cleaned_and_limited_to_six_words():
    cleaned = validate_keyterms(["  amoxicillin ", "", "amoxicillin", "insulin  lispro"])
    assert cleaned == ["amoxicillin", "insulin lispro"]
    with pytest.raises(ConfigurationError, match="at most 6 words"):
        validate_keyterms(["one two three four five six seven"])
    with pytest.raises(ConfigurationError, match="At most 1000"):
        validate_keyterms([f"drug{i}" for i in range(1001)])


def test_policies_that_erase_clinical_content_are_refused():
    with pytest.raises(ConfigurationError, match="drug"):
        body(pii_policies=("person_name", "drug"))


def test_role_names_over_35_characters_are_refused():
    with pytest.raises(ConfigurationError, match="35"):
        body(roles=("D" * 36, "Patient"))
