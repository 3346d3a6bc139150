"""The section model: retraining gives the committed weights and the same predictions; test sets stay out."""

from __future__ import annotations

import json

import pytest

from scribe_core.clinical.section_model import MODEL_PATH, SectionModel, SentenceContext
from scribe_core.clinical.section_training import ACI_JSON, TRAINING_SPLITS, train

pytest.importorskip("sklearn", reason="scikit-learn is a dev dependency (training only)")

PROBES = [
    SentenceContext("lungs are clear to auscultation bilaterally.", "Doctor", 0.6, False, False),
    SentenceContext("i've had this cough for about two weeks.", "Patient", 0.1, False, True),
    SentenceContext("the x-ray of your knee showed no fracture.", "Doctor", 0.7, False, False),
    SentenceContext("i'm going to increase the lisinopril to 40 milligrams a day.", "Doctor", 0.9, False, False),
    SentenceContext("nice to meet you.", "Doctor", 0.0, False, False),
]


@pytest.fixture(scope="module")
def retrained() -> dict:
    if not ACI_JSON.is_dir():
        pytest.skip(f"ACI-Bench data not found at {ACI_JSON}")
    return train()


def test_retraining_reproduces_the_committed_model_exactly(retrained):
    committed = json.loads(MODEL_PATH.read_text())
    assert retrained["vocabulary"] == committed["vocabulary"]
    assert retrained["coef"] == committed["coef"] and retrained["intercept"] == committed["intercept"]
    a, b = SectionModel(retrained), SectionModel(committed)
    assert [a.predict(p) for p in PROBES] == [b.predict(p) for p in PROBES]


def test_the_model_is_trained_on_train_and_valid_only():
    meta = json.loads(MODEL_PATH.read_text())["meta"]
    assert TRAINING_SPLITS == ("train", "valid")
    assert meta["trained_on"] == ["aci-bench train", "aci-bench valid"]


def test_the_committed_model_places_typical_sentences():
    model = SectionModel.load()
    assert [model.predict(p) for p in PROBES] == ["exam", "subjective", "results", "assessment_plan", "none"]
