"""Plain SQL written for sqlite3 (`?` placeholders, rows read by index or by name), run on either database.

The accounts (accounts.py) and signed note versions (documents/versions.py) write their SQL against
`store.transaction()`; this keeps that SQL working on SQLite and Postgres alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, CursorResult, text

_PLACEHOLDER = re.compile(r"\?")


class Record:
    """A row readable as `row[0]`, `row["name"]`, unpacked, or turned into a dict."""

    __slots__ = ("_values", "_names")

    def __init__(self, names: Sequence[str], values: Sequence[Any]) -> None:
        self._names, self._values = tuple(names), tuple(values)

    def __getitem__(self, key: int | str) -> Any:
        return self._values[key] if isinstance(key, int) else self._values[self._names.index(key)]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> tuple[str, ...]:
        return self._names


class Rows:
    def __init__(self, result: CursorResult[Any]) -> None:
        self._result = result
        self.rowcount: int = result.rowcount

    def fetchone(self) -> Any:  # a Record or None; Any as sqlite3's own cursor, which callers index at once
        if not self._result.returns_rows:
            return None
        row = self._result.fetchone()
        return None if row is None else Record(list(self._result.keys()), tuple(row))

    def fetchall(self) -> list[Record]:
        if not self._result.returns_rows:
            return []
        names = list(self._result.keys())
        return [Record(names, tuple(r)) for r in self._result.fetchall()]


class Statements:
    """One transaction's connection, taking sqlite3-style SQL."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        count = iter(range(len(params) + 1))
        named = _PLACEHOLDER.sub(lambda _: f":p{next(count)}", sql)
        return Rows(self.connection.execute(text(named), {f"p{i}": v for i, v in enumerate(params)}))
