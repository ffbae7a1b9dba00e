"""Storage contract: many writer processes lose no rows; migrations from empty and from before."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.storage import calls, clients, jobs
from bbdispatch.storage.database import Database, SQLiteDatabase, latest_schema_version
from bbdispatch.storage.postgres import PostgresDatabase
from tests.storage.backends import Backend
from tests.storage.conftest import AT

WRITERS = 8
ROUNDS = 25

WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime
    from bbdispatch.domain.calls import CallOutcome, CallSource
    from bbdispatch.domain.jobs import Category, JobMode, Priority
    from bbdispatch.domain.job_edits import NewJob
    from bbdispatch.storage import calls, jobs
    from bbdispatch.storage.database import Database

    async def main(target, tag, rounds):
        db = await Database.open(target)
        for i in range(int(rounds)):
            now = datetime.now(UTC).replace(microsecond=0)
            async with db.transaction():
                job = await jobs.insert_job(
                    db, NewJob(client_id=1, description=f"{tag}-{i}", mode=JobMode.REMOTE,
                               priority=Priority.NORMAL, category=Category.OTHER), now, tag,
                )
                await calls.insert_call(
                    db, received_at=now, raw_number=f"{tag}-{i}", e164=None, client_id=1,
                    source=CallSource.RING, outcome=CallOutcome.JOB_CREATED, job_id=job,
                )
        await db.close()

    asyncio.run(main(*sys.argv[1:]))
    """
)


async def test_many_writer_processes_lose_no_rows(backend: Backend, tmp_path: Path) -> None:
    target = backend.create_at_version(tmp_path, latest_schema_version())
    db = await Database.open(target)
    try:
        async with db.transaction():
            assert (
                await clients.insert_client(
                    db, NewClient(kind=ClientKind.COMPANY, name="Wspólny klient"), AT
                )
                == 1
            )
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", WRITER, target, f"w{n}", str(ROUNDS),
                stderr=asyncio.subprocess.PIPE,
            )
            for n in range(WRITERS)
        ]  # fmt: skip
        for p in procs:
            _out, err = await asyncio.wait_for(p.communicate(), timeout=120)
            assert p.returncode == 0, err.decode()
        expected = {f"w{n}-{i}" for n in range(WRITERS) for i in range(ROUNDS)}
        logged = await calls.call_rows(db, limit=10 * len(expected))
        assert sorted(r.call.raw_number for r in logged) == sorted(expected)
        made = await jobs.open_job_rows(db)
        assert sorted(r.job.description for r in made) == sorted(expected)
        by_job = {r.job.id: r.job.description for r in made}
        assert all(by_job[r.call.job_id] == r.call.raw_number for r in logged if r.call.job_id)
    finally:
        await db.close()


async def _round_trip(db: Database, client_id: int) -> None:
    """The current interface works on the database: write a job and read it back."""
    async with db.transaction():
        job_id = await jobs.insert_job(
            db,
            NewJob(client_id=client_id, description="Po migracji", mode=JobMode.ONSITE,
                   priority=Priority.LOW, category=Category.HARDWARE),
            AT, "tester",
        )  # fmt: skip
    job = await jobs.get_job(db, job_id)
    assert job is not None
    assert (job.description, job.received_at, job.client_id) == ("Po migracji", AT, client_id)


async def test_migrations_from_empty_give_the_current_schema(
    backend: Backend, tmp_path: Path, db: Database
) -> None:
    target = backend.create_at_version(tmp_path, 0)
    migrated = await Database.open(target)
    try:
        assert await migrated.schema_version() == latest_schema_version()
        assert await backend.schema_of(migrated) == await backend.schema_of(db)
        async with migrated.transaction():
            client = await clients.insert_client(
                migrated, NewClient(kind=ClientKind.PRIVATE, name="Jan"), AT
            )
        await _round_trip(migrated, client)
    finally:
        await migrated.close()


async def test_every_older_version_migrates_with_its_data(
    backend: Backend, tmp_path: Path, db: Database
) -> None:
    """From the previous version (and every one before it): same schema, rows kept."""
    current = await backend.schema_of(db)
    for version in backend.older_versions():
        where = tmp_path / f"v{version}"
        where.mkdir()
        target = backend.create_at_version(where, version)
        backend.insert_old_client(target, "Stary Klient")
        migrated = await Database.open(target)
        try:
            assert await migrated.schema_version() == latest_schema_version()
            assert await backend.schema_of(migrated) == current, f"from version {version}"
            (old,) = await clients.all_clients(migrated)
            assert old.name == "Stary Klient"
            assert [c.id for c in await clients.search_clients(migrated, "stary klient")] == [
                old.id
            ]
            if version < 20:  # from 20 on the city is folded when a client is written
                # Migration 020 folded the city of the clients already there: found by it.
                assert [c.id for c in await clients.search_clients(migrated, "lodz")] == [old.id]
                assert [
                    c.id for c in await clients.search_clients_by_words(migrated, "lodz stary")
                ] == [old.id]
            await _round_trip(migrated, old.id)
            assert await migrated.migrate() == []
        finally:
            await migrated.close()


async def test_opening_an_up_to_date_database_reads_its_version_once(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ``ring`` and ``lookup`` opens the database: one read of the schema version, no
    migration pass (before, three reads; on PostgreSQL six queries)."""
    target = backend.create_at_version(tmp_path, latest_schema_version())
    reads: list[str] = []
    for cls in (SQLiteDatabase, PostgresDatabase):
        for name in ("schema_version", "_version_on_open"):
            real = getattr(cls, name, None)
            if real is None:
                continue

            async def counted(self: Database, _real: Any = real, _name: str = name) -> int:
                reads.append(_name)
                return int(await _real(self))

            monkeypatch.setattr(cls, name, counted)

    async def no_migration(self: Database) -> list[int]:
        raise AssertionError("an up-to-date database needs no migration pass")

    monkeypatch.setattr(SQLiteDatabase, "migrate", no_migration)
    monkeypatch.setattr(PostgresDatabase, "migrate", no_migration)
    db = await Database.open(target)
    try:
        assert len(reads) == 1, reads
    finally:
        await db.close()
