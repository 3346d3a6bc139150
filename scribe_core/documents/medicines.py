"""The visit's medicines in the patient's words ("Your medicines" of the after-visit summary); the list itself,
one line per medicine with its latest decision and dose as said, is clinical/medication_list.py."""

from __future__ import annotations

from ..clinical.medication_list import MedicineLine
from .plain_language import plain_words


def for_patient(line: MedicineLine) -> str:
    """ "Change your lisinopril to 40 mg once a day." — a new or changed medicine with no dose said says so."""
    amount = plain_words(" ".join(x for x in (line.dose, line.frequency) if x))
    what = f"{line.name} {amount}".strip()
    if line.status == "new":
        return f"Start {what}." if line.dose else \
            f"Start {line.name}: the dose was not said at the visit, so check it with your clinician."
    if line.status == "changed":
        return f"Change your {line.name} to {amount}." if line.dose else \
            f"Your {line.name} dose changes: the new dose was not said, so check it with your clinician."
    if line.status == "continued":
        return f"Keep taking {what}."
    if line.status == "stopped":
        return f"Stop taking {line.name}."
    if line.status == "not taking":
        return f"You told us you are not taking {what}."
    return f"Take {what}." if line.by_doctor else f"You told us you take {what}."
