"""The files of a live visit not yet finished: its plan, sealed, and its audio journal (live_journal.py).

They sit under `live/` in the data dir, or in the shared recordings directory when there is one (several
app servers): `<id>.visit` and `<id>.journal`. The rules about them (who may see one, whether it still
records, retention) are the use cases' (usecases/unfinished_visits.py); this module only keeps the files.
"""

from __future__ import annotations

import json
import shutil
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from ..crypto import Vault
from ..errors import EncounterNotFoundError
from .database import Database
from .live_journal import LiveRecordingWriter, journal_to_wav


class LiveVisitFiles:
    data_dir: Path
    live_dir: Path
    vault: Vault
    db: Database

    def prepare_live_dir(self) -> None:
        """Make the directory, and move in the visits written before the recordings directory was shared."""
        self.live_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        local = self.data_dir / "live"
        if local != self.live_dir and local.is_dir():
            for path in local.iterdir():
                shutil.move(path, self.live_dir / path.name)

    def live_plan_path(self, visit_id: str) -> Path:
        if not visit_id.isalnum():
            raise EncounterNotFoundError("No live visit with this id.")
        return self.live_dir / f"{visit_id}.visit"

    def live_journal_path(self, visit_id: str) -> Path:
        return self.live_dir / f"{visit_id}.journal"

    def live_visit_ids(self) -> list[str]:
        return [p.stem for p in sorted(self.live_dir.glob("*.visit"))]

    def save_live_plan(self, visit_id: str, plan: dict[str, Any]) -> None:
        path = self.live_plan_path(visit_id)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(self.vault.seal(json.dumps(plan), context=f"{visit_id}:live-visit"))

    def live_plan(self, visit_id: str) -> dict[str, Any]:
        path = self.live_plan_path(visit_id)
        if not path.exists():
            raise EncounterNotFoundError("No live visit with this id (it was finished or discarded).")
        plan: dict[str, Any] = json.loads(self.vault.open(path.read_text(), context=f"{visit_id}:live-visit"))
        return plan

    def remove_live_visit(self, visit_id: str) -> None:
        self.live_journal_path(visit_id).unlink(missing_ok=True)
        self.live_plan_path(visit_id).unlink(missing_ok=True)

    def open_live_journal(self, visit_id: str) -> LiveRecordingWriter:
        """The visit's journal, opened to append (continuing one a restart left behind)."""
        return LiveRecordingWriter(self.vault, self.live_journal_path(visit_id), visit_id)

    def live_journal_to_wav(self, visit_id: str, target: Path) -> int:
        return journal_to_wav(self.vault, self.live_journal_path(visit_id), visit_id, target)

    def hold_live_visit(self, visit_id: str) -> AbstractContextManager[bool]:
        """The visit's lock across processes and app servers: yields whether this process got it."""
        return self.db.exclusive(f"live-visit:{visit_id}")
