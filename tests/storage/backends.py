"""The storage backends the contract suite runs against, one class each.

Today there is one, SQLite. A second backend (PostgreSQL is planned) adds a
class here with the same three methods and its name to :data:`BACKENDS`; every
test under ``tests/storage`` that takes the ``backend`` fixture then runs on
it too, like harlequin's per-adapter test modules, but from one suite.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Protocol

from bbdispatch.storage.database import Database, migrations


class Backend(Protocol):
    """How the contract suite gets databases of one backend."""

    name: str

    async def open_empty(self, where: Path) -> Database:
        """A fresh database with the current schema and no rows."""
        ...

    async def open_copy_of(self, template: Path, where: Path) -> Database:
        """A private, writable copy of a prepared database (the demo).

        ``template`` is the SQLite demo file; a backend that cannot copy it
        builds the demo itself with :func:`bbdispatch.services.demo.build_demo`.
        """
        ...

    def create_at_version(self, where: Path, version: int) -> str:
        """Create a database at a schema version (migrations up to ``version``; 0: empty).

        Returns what :meth:`Database.open` takes to open it (a path, a URL).
        """
        ...

    def insert_old_client(self, target: str, name: str) -> None:
        """Write one client the way the oldest schema stores it, outside bbdispatch."""
        ...

    async def schema_of(self, db: Database) -> set[tuple[object, ...]]:
        """The schema as comparable facts: every column of every table, every index."""
        ...


class SQLiteBackend:
    """The embedded default: one file, WAL, many processes."""

    name = "sqlite"

    async def open_empty(self, where: Path) -> Database:
        """A fresh, migrated file."""
        return await Database.open(where / "contract.db")

    async def open_copy_of(self, template: Path, where: Path) -> Database:
        """Copy the template file and open the copy."""
        target = where / "copy.db"
        shutil.copy(template, target)
        return await Database.open(target)

    def create_at_version(self, where: Path, version: int) -> str:
        """Apply the shipped migrations up to ``version`` with plain sqlite3."""
        path = where / f"at-{version}.db"
        conn = sqlite3.connect(path)
        for number, _name, sql in migrations():
            if number <= version:
                conn.executescript(sql)
                conn.execute(f"PRAGMA user_version = {number}")
        conn.commit()
        conn.close()
        return str(path)

    def insert_old_client(self, target: str, name: str) -> None:
        """Insert with plain sqlite3 and only the columns of migration 001."""
        conn = sqlite3.connect(target)
        conn.execute(
            "INSERT INTO client (kind, name, search_name, created_at)"
            " VALUES ('private', ?, lower(?), '2026-01-01T00:00:00Z')",
            (name, name),
        )
        conn.commit()
        conn.close()

    async def schema_of(self, db: Database) -> set[tuple[object, ...]]:
        """Columns from ``pragma_table_info`` and index names from ``sqlite_master``.

        Compared as facts, not as ``CREATE`` text: a column added by ``ALTER
        TABLE`` is spelled differently from one created with its table.
        """
        facts: set[tuple[object, ...]] = set()
        for t in await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%_fts%'"
        ):
            for c in await db.fetch_all(
                'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)',
                (t[0],),
            ):
                facts.add(("column", t[0], *tuple(c)))
        for i in await db.fetch_all(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('index', 'trigger')"
            " AND name NOT LIKE 'sqlite_%'"
        ):
            facts.add(tuple(i))
        return facts


BACKENDS: dict[str, Backend] = {"sqlite": SQLiteBackend()}
"""Every backend the suite runs on, by the name its tests are parametrised with."""
