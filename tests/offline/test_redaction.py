"""PII redaction: every identity item goes, every drug name and dose stays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scribe_core.engines.offline.redact import find_pii, redact_utterances
from scribe_core.model import Utterance, Word

# A labelled consultation: (role, text). The PII items and the clinical items are listed below.
DIALOGUE = [
    ("Doctor", "Good morning, I'm Doctor Patel. Can you confirm your full name and date of birth?"),
    ("Patient", "Sure, it's Maria Gonzalez, born March 14th, 1978."),
    ("Doctor", "Thanks. Is 555-213-4876 still the best number to reach you?"),
    ("Patient", "Yes, or my cell, 416 555 0199. My email is maria.gonzalez@example.com."),
    ("Doctor", "And you still live at 42 Maple Street, Springfield, Illinois 62704?"),
    ("Patient", "Yes. My medical record number is 00482913, and my DOB on file is 03/14/1978."),
    ("Doctor", "What are you taking right now?"),
    ("Patient", "Tramadol 50 milligrams twice a day for two weeks, and lisinopril 10 mg every morning."),
    ("Patient", "I also use a Ventolin inhaler, two puffs as needed, and I took Tylenol 500 mg yesterday."),
    ("Doctor", "Okay, let's add Ozempic 0.25 mg weekly and stop the Advil. Email Dr. Chen at chen@clinic.org."),
    ("Doctor", "My colleague John Smith will call you back within 3 days. Follow up in 6 weeks."),
    ("Patient", "Thank you. My husband Robert can drive me. "
                "You can also write to robert dot gonzalez at gmail dot com."),
]

PII_ITEMS = [
    "Patel", "Maria", "Gonzalez", "March 14th", "1978", "555-213-4876", "416 555 0199",
    "maria.gonzalez@example.com", "42 Maple Street", "Springfield", "62704", "00482913", "03/14/1978",
    "Chen", "chen@clinic.org", "John", "Smith", "Robert", "gmail dot com",
]
CLINICAL_ITEMS = [
    "Tramadol", "50 milligrams", "twice a day", "two weeks", "lisinopril", "10 mg", "Ventolin", "two puffs",
    "Tylenol", "500 mg", "yesterday", "Ozempic", "0.25 mg", "weekly", "Advil", "3 days", "6 weeks",
]


def _utterances() -> list[Utterance]:
    utterances, t = [], 0
    for i, (role, text) in enumerate(DIALOGUE, start=1):
        words = []
        for token in text.split():
            words.append(Word(token, t, t + 300, 0.9, "A" if role == "Doctor" else "B"))
            t += 350
        utterances.append(Utterance(f"U{i}", role, words[0].start_ms, words[-1].end_ms, text, 0.9, words,
                                    words[0].speaker))
    return utterances


@pytest.fixture(scope="module")
def redacted() -> tuple[str, list[Utterance], int]:
    out, count = redact_utterances(_utterances())
    return " ".join(u.text for u in out), out, count


@pytest.mark.parametrize("item", PII_ITEMS)
def test_no_personal_detail_survives(redacted, item):
    text, _, _ = redacted
    assert item.lower() not in text.lower(), f"leaked {item!r}"


@pytest.mark.parametrize("item", CLINICAL_ITEMS)
def test_every_drug_dose_and_duration_survives(redacted, item):
    text, _, _ = redacted
    assert item.lower() in text.lower(), f"lost {item!r}"


def test_redaction_counts(redacted, capsys):
    text, _, count = redacted
    leaks = [i for i in PII_ITEMS if i.lower() in text.lower()]
    kept = [i for i in CLINICAL_ITEMS if i.lower() in text.lower()]
    with capsys.disabled():
        print(f"\nPII: {len(PII_ITEMS) - len(leaks)}/{len(PII_ITEMS)} removed ({count} spans); "
              f"clinical: {len(kept)}/{len(CLINICAL_ITEMS)} kept")
    assert not leaks and len(kept) == len(CLINICAL_ITEMS)


def test_tags_follow_assemblyai_entity_names(redacted):
    text, _, _ = redacted
    for tag in ("[PERSON_NAME]", "[PHONE_NUMBER]", "[EMAIL_ADDRESS]", "[LOCATION]", "[HEALTHCARE_NUMBER]",
                "[DATE_OF_BIRTH]"):
        assert tag in text


def test_redacted_words_keep_times_and_utterance_ids(redacted):
    _, utterances, _ = redacted
    assert [u.id for u in utterances] == [f"U{i}" for i in range(1, len(DIALOGUE) + 1)]
    for u in utterances:
        assert u.text == " ".join(w.text for w in u.words)
        assert all(a.end_ms <= b.start_ms for a, b in zip(u.words, u.words[1:], strict=False))


def test_a_phone_number_split_across_utterances_is_still_caught():
    first = Utterance("U1", "Patient", 0, 900, "call me on 555213", words=[
        Word("call", 0, 200), Word("me", 250, 400), Word("on", 450, 600), Word("555213", 650, 900)])
    second = Utterance("U2", "Doctor", 950, 1200, "-4876 okay", words=[Word("-4876", 950, 1100),
                                                                       Word("okay", 1150, 1200)])
    out, _ = redact_utterances([first, second])
    text = " ".join(u.text for u in out)
    assert "4876" not in text and "555213" not in text


def test_durations_and_relative_days_are_not_dates():
    text = "The cough started 2 weeks ago, got worse yesterday, and I take it 3 times a day for 10 days."
    assert find_pii(text) == []


# --- the clinical keep-list, over a fixture of clinical sentences with planted identifiers --------

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "redaction_sentences.json"


def _fixture_utterances(entries: list[dict]) -> list[Utterance]:
    utterances, t = [], 0
    for i, entry in enumerate(entries, start=1):
        words = []
        for token in entry["text"].split():
            words.append(Word(token, t, t + 300, 0.9, "A"))
            t += 350
        utterances.append(Utterance(f"U{i}", "Patient", words[0].start_ms, words[-1].end_ms, entry["text"], 0.9,
                                    words, "A"))
    return utterances


def test_identifiers_go_and_clinical_terms_stay_across_the_fixture(capsys):
    entries = json.loads(FIXTURE.read_text())
    assert len(entries) >= 50
    out, _ = redact_utterances(_fixture_utterances(entries))  # one transcript, as the engine runs it
    leaked, lost, removed, kept, planted, clinical = [], [], 0, 0, 0, 0
    for entry, utterance in zip(entries, out, strict=True):
        text = utterance.text.lower()
        for item in entry["identifiers"]:
            planted += 1
            if item.lower() in text:
                leaked.append((item, utterance.text))
            else:
                removed += 1
        for item in entry["clinical"]:
            clinical += 1
            if item.lower() in text:
                kept += 1
            else:
                lost.append((item, utterance.text))
    with capsys.disabled():
        print(f"\nidentifiers removed: {removed}/{planted} clinical terms kept: {kept}/{clinical}")
    assert planted >= 40 and clinical >= 100
    assert leaked == [] and lost == []


@pytest.mark.parametrize(("sentence", "kept", "removed"), [
    ("Any recreational drugs like marijuana?", "marijuana", None),
    ("Mrs. Crystal Hughes uses crystal meth on weekends.", "crystal meth", "Hughes"),
    ("He has Parkinson's and sees Dr. Parkinson every month.", "Parkinson's", "Dr. Parkinson every"),
    ("Mr. Burns has burns on his right hand.", "burns on his right hand", "Mr. Burns"),
])
def test_case_and_context_decide_between_a_name_and_a_clinical_word(sentence, kept, removed):
    text = _redact_one(sentence)
    assert kept in text
    if removed:
        assert removed not in text


def _redact_one(sentence: str) -> str:
    words = [Word(token, i * 100, i * 100 + 90) for i, token in enumerate(sentence.split())]
    out, _ = redact_utterances([Utterance("U1", "Patient", 0, len(words) * 100, sentence, words=words)])
    return out[0].text


def test_the_assemblyai_policy_never_asks_to_erase_a_kept_category():
    from scribe_core.clinical_keep_list import CATEGORIES, ERASING_POLICIES
    from scribe_core.errors import ConfigurationError
    from scribe_core.pii_policy import DEFAULT_PII_POLICIES, validate_policies

    assert {c.name for c in CATEGORIES} >= {"drugs", "recreational", "alcohol_tobacco", "conditions", "procedures",
                                            "anatomy", "doses", "durations", "vital_signs"}
    assert not set(DEFAULT_PII_POLICIES) & ERASING_POLICIES
    for policy in ("drug", "medical_condition", "number_sequence", "duration"):
        with pytest.raises(ConfigurationError, match="would erase clinical content"):
            validate_policies((*DEFAULT_PII_POLICIES, policy))


def test_building_the_redactor_logs_no_warning(caplog):
    """Presidio's default set logs a warning per Spanish/Italian/Polish recogniser it skips (14 per CLI run)."""
    import logging

    from scribe_core.engines.offline.redact import POLICY_ENTITIES, build_analyzer

    with caplog.at_level(logging.INFO):
        analyzer = build_analyzer()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    supported = {e for r in analyzer.registry.recognizers for e in r.supported_entities}
    assert {e for entities in POLICY_ENTITIES.values() for e in entities} <= supported


@pytest.mark.parametrize(("sentence", "number"), [
    ("Okay, your medical record number here is 4471902.", "4471902"),
    ("MRN 4471902 is on the wristband.", "4471902"),
    ("Your record number four four seven one nine zero two, right?", "four four seven one nine zero two"),
])
def test_a_spoken_record_number_is_redacted_in_each_way_it_is_said(sentence, number):
    text = _redact_one(sentence)
    assert number not in text and "[HEALTHCARE_NUMBER]" in text


@pytest.mark.parametrize("sentence", [
    "Take two tablets three times a day, one in the morning and two at night.",
    "Blood pressure was 138 over 86 and the A1c on March 3rd was 7.2.",
    "Let's record your blood pressure: one forty over ninety, two puffs four times a day.",
])
def test_doses_readings_and_clinical_dates_are_never_taken_for_a_record_number(sentence):
    assert _redact_one(sentence) == sentence
