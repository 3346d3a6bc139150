"""What each template section holds, in terms a writer without a language model can act on.

`role_of` gives the SOAP role of a section (its explicit role, else its LOINC code's, else its key's
words), so the after-visit summary and the referral letter read any template, built-in or a clinic's.
`fact_sources` says which of the offline writer's fact sections (scribe_core/clinical: cc, hpi, ros,
exam, results, assessment_plan and the derived assessment, plan, medications) fill a section: the
offline writer can place its facts in every template by LOINC code or role, not only by key name.
"""

from __future__ import annotations

import re

from .loinc import section_role
from .note_template import NoteTemplate, SectionSpec

_KEY_ROLES = (
    (re.compile(r"medication|drug|prescri"), "medications"),
    (re.compile(r"allerg"), "allergies"),
    (re.compile(r"assessment|impression|diagnos"), "assessment"),
    (re.compile(r"plan|follow|instruction|intervention|disposition"), "plan"),
    (re.compile(r"objective|exam|vital|result|finding|imaging|lab|mental_status"), "objective"),
)

# LOINC section code → fact sections, most specific first.
_FACTS_BY_LOINC = {
    "10154-3": ("cc",),
    "10164-2": ("cc", "hpi"),
    "61150-9": ("cc", "hpi", "ros"),
    "10187-3": ("ros",),
    "29545-1": ("exam",),
    "8716-3": ("exam",),
    "10210-3": ("exam",),
    "30954-2": ("results",),
    "61149-1": ("exam", "results"),
    "51848-0": ("assessment",),
    "18776-5": ("plan",),
    "51847-2": ("assessment_plan",),
    "10160-0": ("medications",),
}
_FACTS_BY_ROLE = {
    "subjective": ("cc", "hpi", "ros"),
    "objective": ("exam", "results"),
    "assessment": ("assessment",),
    "plan": ("plan",),
    "medications": ("medications",),
    "allergies": (),
}


def role_of(spec: SectionSpec) -> str:
    if spec.role:
        return spec.role
    by_code = section_role(spec.loinc)
    if by_code:
        return by_code
    key = spec.key.lower()
    return next((role for pattern, role in _KEY_ROLES if pattern.search(key)), "subjective")


def section_roles(template: NoteTemplate | None, keys: list[str]) -> dict[str, str]:
    """Role of each note section key; keys the template does not know are read by their words."""
    specs = {s.key: s for s in template.sections} if template else {}
    return {k: role_of(specs.get(k) or SectionSpec(k, k, "")) for k in keys}


def fact_sources(spec: SectionSpec) -> tuple[str, ...]:
    """The offline writer's fact sections that fill `spec`, by LOINC code, then role."""
    if spec.loinc in _FACTS_BY_LOINC:
        return _FACTS_BY_LOINC[spec.loinc]
    return _FACTS_BY_ROLE.get(role_of(spec), ())
