"""Shared transcripts for the clinical-language tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from scribe_core.clinical import parse_transcript_file, parse_transcript_text
from scribe_core.model import Transcript

DATA = Path(__file__).with_name("data")
ACI_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "aci-bench" / "data"

VISIT = "\n".join([
    '[doctor] hi , martha . how are you ?',
    "[patient] i'm doing okay .",
    '[doctor] martha is a 50-year-old female with a past medical history significant for hypertension who presents for follow-up of her blood pressure .',  # noqa: E501 (one spoken turn)
    '[patient] um , so my , my blood pressure has been high when i check it at home , like 150 over 90 .',
    '[doctor] okay . any chest pain ?',
    '[patient] no .',
    '[doctor] any headaches ?',
    '[patient] yeah , a few in the morning .',
    '[doctor] and are you taking the lisinopril 20 milligrams once a day ?',
    '[patient] yes , every morning .',
    '[doctor] hey , dragon , show me the vital signs .',
    '[doctor] on physical examination , your blood pressure today is 152 over 94 . your heart is a regular rate and rhythm . lungs are clear to auscultation bilaterally .',  # noqa: E501 (one spoken turn)
    "[doctor] so for your first problem , your high blood pressure , it's not well controlled . i'm going to increase the lisinopril to 40 milligrams once a day and i want you to check your blood pressure at home every day .",  # noqa: E501 (one spoken turn)
    "[doctor] we'll follow up in four weeks .",
    '[patient] okay , thank you .',
]) + "\n"


@pytest.fixture
def visit() -> Transcript:
    return parse_transcript_text(VISIT)


@pytest.fixture
def sample() -> Transcript:
    """The bundled sample consultation (Fareez RES0091), as its human transcript."""
    return parse_transcript_file(DATA / "RES0091.txt")
