"""The rows of the Templates page's section editor → the core's SectionSpec.

A row added in st.data_editor holds NaN (or None, or pd.NA) in every cell left empty; str() of NaN is
'nan', which the validator then reads as a LOINC code or a key. An empty cell is an empty field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from scribe_core.note_template import SectionSpec


def cell_text(value: Any) -> str:
    """The text in one cell: '' for an empty one (None, NaN, pd.NA), stripped otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if value != value:  # pd.NA and NaT compare unequal to themselves (or refuse to compare)
            return ""
    except TypeError:
        return ""
    return str(value).strip()


def cell_flag(value: Any) -> bool:
    """A checkbox cell: ticked only when it says so; an empty cell (NaN is truthy) is not ticked."""
    if cell_text(value) == "":
        return False
    return value.strip().lower() == "true" if isinstance(value, str) else bool(value)


def sections_from_rows(rows: Iterable[Mapping[str, Any]]) -> tuple[SectionSpec, ...]:
    """One SectionSpec per row that has any text; an empty LOINC code is no code."""
    return tuple(
        SectionSpec(key=cell_text(r.get("key")), title=cell_text(r.get("title")),
                    guidance=cell_text(r.get("instructions")), loinc=cell_text(r.get("loinc")) or None,
                    required=cell_flag(r.get("required")), role=cell_text(r.get("role")))
        for r in rows if any(cell_text(v) for k, v in r.items() if k != "required"))
