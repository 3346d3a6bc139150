"""Who the patient is: the name and record number typed at intake, checked here once for every caller.

Both are optional. A record number (MRN) or EHR patient id must match the configured pattern in full
(SCRIBE_PATIENT_ID_PATTERN; default letters, digits, dashes and dots, at most 32 characters), so what
reaches a FHIR Patient.identifier is only ever a checked value, never markup or a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ConfigurationError
from .model import Transcript

DEFAULT_ID_PATTERN = r"[A-Za-z0-9.\-]{1,32}"
MAX_NAME_LENGTH = 120
# Placeholders put in place of the patient's name and number in text sent to a remote service.
NAME_PLACEHOLDER = "[PATIENT NAME]"
MRN_PLACEHOLDER = "[RECORD NUMBER]"


class PatientIdError(ConfigurationError):
    """A record number or patient id that does not match the configured pattern."""


def valid_patient_id(value: str, pattern: str = DEFAULT_ID_PATTERN, *, what: str = "record number (MRN)") -> str:
    """The value without surrounding spaces, or PatientIdError saying what is accepted."""
    value = value.strip()
    if re.fullmatch(pattern, value) is None:
        accepted = ("letters, digits, dashes and dots, at most 32 characters" if pattern == DEFAULT_ID_PATTERN
                    else f"the pattern {pattern}")
        raise PatientIdError(f"The patient's {what} is not valid: use {accepted} (no spaces), as it appears in "
                             "the clinic's records.")
    return value


@dataclass(frozen=True)
class PatientIdentity:
    name: str = ""
    mrn: str = ""

    @classmethod
    def typed(cls, name: str = "", mrn: str = "", *, pattern: str = DEFAULT_ID_PATTERN) -> PatientIdentity:
        """What the clinician typed, checked: spaces in the name collapsed, the number validated when given."""
        name = " ".join(name.split())
        if len(name) > MAX_NAME_LENGTH or any(c in name for c in "<>{}"):
            raise PatientIdError(f"Type the patient's name as letters and spaces (at most {MAX_NAME_LENGTH} "
                                 "characters).")
        return cls(name, valid_patient_id(mrn, pattern) if mrn.strip() else "")

    def mask(self, text: str) -> str:
        """`text` with this patient's name (and each capitalised word of it, 3+ letters) and number replaced by
        placeholders: what leaves the machine when the identity must not. A single word is matched with
        its capital only, so a patient named May leaves "may" in a sentence as it was."""
        if self.mrn:
            text = re.sub(rf"(?<![\w-]){re.escape(self.mrn)}(?![\w-])", MRN_PLACEHOLDER, text)
        if self.name:
            text = re.sub(rf"\b{re.escape(self.name)}\b", NAME_PLACEHOLDER, text, flags=re.IGNORECASE)
            for word in sorted({w for w in re.findall(r"[^\W\d_]{3,}", self.name)}, key=len, reverse=True):
                text = re.sub(rf"\b{re.escape(word.capitalize())}\b", NAME_PLACEHOLDER, text)
        return text

    def mask_transcript(self, transcript: Transcript) -> Transcript:
        """A copy of `transcript` with the identity masked in every utterance and word (ids and times kept, so
        the citations of a note drafted from it still point at the right utterances)."""
        if not (self.name or self.mrn):
            return transcript
        copy = Transcript.from_dict(transcript.to_dict())
        for u in copy.utterances:
            u.text = self.mask(u.text)
            for w in u.words:
                w.text = self.mask(w.text)
        return copy
