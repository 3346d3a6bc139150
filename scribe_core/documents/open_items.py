"""What is still open in a note before it is signed: statements their citations do not back, and facts of
the conversation the note may have left out. The core decides the list; the page shows it and asks the
clinician to confirm before the signature is applied.

The same checks the Note page shows (consistency and omission), so what the clinician confirms at
signing is exactly what they were shown while reviewing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..clinical import check_consistency, possibly_missing
from ..errors import InvalidStateError
from ..model import Note, Transcript

NOT_BACKED = "not backed"
POSSIBLY_MISSING = "possibly missing"


@dataclass(frozen=True)
class OpenItem:
    kind: str  # NOT_BACKED or POSSIBLY_MISSING
    text: str  # the statement, or the fact the note may lack
    detail: str  # why it is flagged, and the utterances involved

    def label(self) -> str:
        return f"{self.kind.capitalize()}: {self.text} ({self.detail})"


class OpenItemsError(InvalidStateError):
    """Signing was asked for without confirming the open items listed."""

    def __init__(self, items: list[OpenItem]) -> None:
        self.items = items
        super().__init__(f"{len(items)} open item(s) need your confirmation before signing: "
                         + "; ".join(i.label() for i in items) + ".")


def open_items(transcript: Transcript | None, note: Note) -> list[OpenItem]:
    """Flags on statements that cite something but are not backed by it, then possibly missing facts."""
    if transcript is None:  # nothing to check against (never the case for a drafted note)
        return []
    items = [OpenItem(NOT_BACKED, f.statement, f"{'; '.join(f.reasons)}; cites {', '.join(f.evidence)}")
             for f in check_consistency(transcript, note) if f.evidence]
    items += [OpenItem(POSSIBLY_MISSING, m.text, f"said in {', '.join(m.evidence)}")
              for m in possibly_missing(transcript, note)]
    return items
