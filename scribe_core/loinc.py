"""LOINC codes the documents use: a format and check-digit test, and what each section code holds.

A LOINC code is digits, a hyphen and a mod-10 check digit (LOINC Users' Guide, "Calculating Mod 10
check digits"; the Luhn algorithm). Checking it catches most typos in a clinic's own template file
before a wrong code reaches an EHR.

`SECTION_ROLES` says which part of a SOAP note a coded section draws from, so a writer that thinks in
subjective/objective/assessment/plan (the offline writer) can fill any coded template.
"""

from __future__ import annotations

import re

LOINC_SYSTEM = "http://loinc.org"
_FORMAT = re.compile(r"^(\d{1,7})-(\d)$")

# Section codes (C-CDA document section codes, FHIR ValueSet doc-section-codes) and the SOAP role
# each is filled from. Roles: subjective, objective, assessment, plan, medications, allergies.
SECTION_ROLES: dict[str, str] = {
    "61150-9": "subjective",   # Subjective
    "10164-2": "subjective",   # History of present illness
    "10154-3": "subjective",   # Chief complaint
    "29299-5": "subjective",   # Reason for visit
    "11348-0": "subjective",   # History of past illness
    "10157-6": "subjective",   # Family history
    "29762-2": "subjective",   # Social history
    "10187-3": "subjective",   # Review of systems
    "11369-6": "subjective",   # Immunizations
    "47519-4": "subjective",   # Procedures (history of)
    "10160-0": "medications",  # History of medication use
    "48765-2": "allergies",    # Allergies and adverse reactions
    "61149-1": "objective",    # Objective
    "29545-1": "objective",    # Physical findings
    "10210-3": "objective",    # Physical findings of general status
    "8716-3": "objective",     # Vital signs
    "30954-2": "objective",    # Relevant diagnostic tests / laboratory data
    "10190-7": "objective",    # Mental status
    "51848-0": "assessment",   # Assessment
    "51847-2": "assessment",   # Assessment and plan (assessment first; the plan follows it)
    "18776-5": "plan",         # Plan of treatment
    "69730-0": "plan",         # Instructions
    "42349-1": "plan",         # Reason for referral
}

# Document type codes the built-in templates use, with their LOINC display names.
DOCUMENT_DISPLAYS: dict[str, str] = {
    "11506-3": "Progress note",
    "34117-2": "History and physical note",
    "34124-8": "Cardiology Outpatient Progress note",
    "34904-3": "Mental health Progress note",
    "57133-1": "Referral note",
}


def check_digit(number: str) -> int:
    """The mod-10 check digit of the numeric part of a LOINC code."""
    digits = [int(c) for c in reversed(number)]
    total = 0
    for position, digit in enumerate(digits):
        if position % 2 == 0:  # 1st, 3rd, ... from the right are doubled
            doubled = digit * 2
            total += doubled // 10 + doubled % 10
        else:
            total += digit
    return (10 - total % 10) % 10


def loinc_problem(code: str) -> str | None:
    """Why `code` is not a well-formed LOINC code, or None when it is."""
    match = _FORMAT.match(code)
    if match is None:
        return f"{code!r} is not a LOINC code (digits, a hyphen and a check digit, like 10164-2)"
    expected = check_digit(match.group(1))
    if int(match.group(2)) != expected:
        return f"{code!r} has a wrong check digit (expected {match.group(1)}-{expected}): probably a typo"
    return None


def section_role(loinc: str | None) -> str | None:
    return SECTION_ROLES.get(loinc or "")
