"""The storage backends the contract suite runs against, one class each.

SQLite (a file per test) and PostgreSQL (a database per test on a server the
session starts itself, ``tests/pg_server.py``). Every test under
``tests/storage`` that takes the ``backend`` fixture runs on each, like
harlequin's per-adapter test modules, but from one suite.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from bbdispatch.storage.database import Database, latest_schema_version, migrations
from tests.pg_server import PgServer, start_server


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
        """Write one client (in Łódź) the way the oldest schema stores it, outside bbdispatch."""
        ...

    def older_versions(self) -> list[int]:
        """The schema versions before the latest this backend can be created at, newest first."""
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
            "INSERT INTO client (kind, name, search_name, city, created_at)"
            " VALUES ('private', ?, lower(?), 'Łódź', '2026-01-01T00:00:00Z')",
            (name, name),
        )
        conn.commit()
        conn.close()

    def older_versions(self) -> list[int]:
        """Every version since the first migration."""
        return list(range(latest_schema_version() - 1, 0, -1))

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


class PostgresBackend:
    """PostgreSQL on the session's own server: each test gets a database copied from a template."""

    name = "postgresql"

    def __init__(self) -> None:
        self._server: PgServer | None = None
        self._empty: str | None = None
        self._demo: str | None = None

    @property
    def server(self) -> PgServer:
        """The session's server, started at first use (skips the test without binaries)."""
        if self._server is None:
            self._server = start_server()
            atexit.register(self._server.stop)
        return self._server

    def _template(self) -> str:
        """A migrated, empty database to copy (made once, on a thread of its own)."""
        if self._empty is None:
            name = self.server.create(prefix="empty")

            async def migrate() -> None:
                db = await Database.open(self.server.url(name))
                await db.close()

            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, migrate()).result()
            self._empty = name
        return self._empty

    async def open_empty(self, where: Path) -> Database:
        """A copy of a migrated, empty template database."""
        name = self.server.create(template=self._template())
        return await Database.open(self.server.url(name))

    async def open_copy_of(self, template: Path, where: Path) -> Database:
        """A copy of the demo, built once on this server through the services."""
        if self._demo is None:
            from bbdispatch.clock import FrozenClock
            from bbdispatch.domain.rights import Principal
            from bbdispatch.pricelist import load_pricelist
            from bbdispatch.services.context import Ctx
            from bbdispatch.services.demo import build_demo
            from tests.conftest import DEMO_NOW

            name = self.server.create(template=self._template(), prefix="demo")
            db = await Database.open(self.server.url(name))
            ctx = Ctx(
                db=db, clock=FrozenClock(DEMO_NOW), prices=load_pricelist(), actor="setup",
                fallback=Principal.SYSTEM,
            )  # fmt: skip
            await build_demo(ctx, add_login="tester")
            await db.close()
            self._demo = name
        copy = self.server.create(template=self._demo)
        return await Database.open(self.server.url(copy))

    def create_at_version(self, where: Path, version: int) -> str:
        """Version 0: an empty database; else the PostgreSQL migrations up to ``version``."""
        if version == 0:
            return self.server.url(self.server.create())
        if version == latest_schema_version():
            return self.server.url(self.server.create(template=self._template()))
        from bbdispatch.storage.postgres import pg_migrations

        name = self.server.create()
        for number, _name, sql in pg_migrations():
            if number <= version:
                self.server.psql(sql, name)
                self.server.psql(f"UPDATE bbdispatch_schema SET version = {number}", name)
        return self.server.url(name)

    def insert_old_client(self, target: str, name: str) -> None:
        """Insert with psql and only the columns of the first PostgreSQL schema (013)."""
        quoted = name.replace("'", "''")
        self.server.psql(
            "INSERT INTO client (kind, name, search_name, city, created_at)"
            f" VALUES ('private', '{quoted}', lower('{quoted}'), 'Łódź',"
            " '2026-01-01T00:00:00Z')",
            target.rsplit("/", 1)[1],
        )

    def older_versions(self) -> list[int]:
        """Every PostgreSQL schema version before the latest (they begin at 013)."""
        from bbdispatch.storage.postgres import pg_migrations

        return sorted((n for n, _name, _sql in pg_migrations() if n < latest_schema_version()),
                      reverse=True)  # fmt: skip

    async def schema_of(self, db: Database) -> set[tuple[object, ...]]:
        """Columns, indexes and triggers from the catalogue."""
        facts: set[tuple[object, ...]] = set()
        for c in await db.fetch_all(
            "SELECT table_name, column_name, data_type, is_nullable, column_default,"
            " collation_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        ):
            facts.add(("column", *tuple(c)))
        for i in await db.fetch_all(
            "SELECT indexname, tablename, indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema()"
        ):
            facts.add(("index", *tuple(i)))
        for t in await db.fetch_all(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
        ):
            facts.add(("trigger", *tuple(t)))
        return facts


BACKENDS: dict[str, Backend] = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}
"""Every backend the suite runs on, by the name its tests are parametrised with."""
