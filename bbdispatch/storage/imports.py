"""Staged imports: the ``import_batch`` and ``import_row`` tables.

A long import copies its checked rows here in short transactions, each row
with the client id it will take, then publishes them all in one short
transaction of set statements (``clients.publish_staged``): other writers never
wait long, and readers see the whole file or none of it. Rows are stored as
JSON of the domain type (plus the folded name the client table keeps).

Batches marked ``ready`` come from older versions, which moved rows into the
client table chunk by chunk after that commit point; they are still finished
(or dropped) row by row.

A running import holds a liveness lock on its batch (:func:`hold_batch`) from
the moment the batch exists until its staged rows are gone, so anyone can
tell a live import from one whose process died (:func:`batch_alive`): SQLite
an ``flock`` on ``<database>.import-<batch>.lock`` beside the file, PostgreSQL
a session advisory lock; the kernel or the server lets go of either when the
process dies, ``kill -9`` included.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind, ClientStatus, search_key, search_place
from bbdispatch.storage.database import FILE_MODE, Database, next_id


class BatchState(StrEnum):
    """Where a staged import is."""

    STAGING = "staging"
    """Rows are being copied in; invisible; discarded if the import dies."""
    READY = "ready"
    """Left by an older version: committed, its rows move in chunk by chunk."""
    DONE = "done"
    """Every row moved into the real tables."""


@dataclass(frozen=True)
class Batch:
    """One staged import."""

    id: int
    state: BatchState
    source: str
    actor: str
    added: int
    skipped: int
    created_at: datetime
    """When the import started (for finding imports that died staging)."""


@dataclass(frozen=True)
class StagedClient:
    """One checked row of a client file, waiting in a batch."""

    line: int
    """Its line in the file (the audit names it)."""
    client: NewClient
    client_id: int | None = None
    """The id it takes when published (reserved by ``clients.reserve_client_ids``)."""


def _client_json(client: NewClient) -> str:
    return json.dumps(
        {
            "kind": client.kind.value, "name": client.name.strip(),
            "search_name": search_key(client.name),
            "search_place": search_place(client.city, client.email, client.contact_person),
            "nip": client.nip,
            "street": client.street, "city": client.city, "postal_code": client.postal_code,
            "email": client.email, "contact_person": client.contact_person,
            "notes": client.notes, "status": client.status.value,
            "phones": [list(p) for p in client.phones],
        },
        ensure_ascii=False,
    )  # fmt: skip


def _client_from_json(text: str) -> NewClient:
    d = json.loads(text)
    return NewClient(
        kind=ClientKind(d["kind"]), name=d["name"], nip=d["nip"], street=d["street"],
        city=d["city"], postal_code=d["postal_code"], email=d["email"],
        contact_person=d["contact_person"], notes=d["notes"], status=ClientStatus(d["status"]),
        phones=tuple((str(p[0]), str(p[1])) for p in d["phones"]),
    )  # fmt: skip


async def create_batch(db: Database, source: str, actor: str, created_at: datetime) -> int:
    """Start a client import batch in the staging state; returns its id."""
    return await db.execute(
        "INSERT INTO import_batch (id, kind, source, actor, state, created_at)"
        f" VALUES ({next_id('import_batch')}, 'clients', ?, ?, 'staging', ?)",
        (source, actor, to_db(created_at)),
    )


async def stage_clients(db: Database, batch_id: int, rows: Sequence[StagedClient]) -> None:
    """Copy checked rows into the batch."""
    await db.execute_many(
        "INSERT INTO import_row (batch_id, line, payload, client_id) VALUES (?, ?, ?, ?)",
        [(batch_id, r.line, _client_json(r.client), r.client_id) for r in rows],
    )


async def clear_rows(db: Database, batch_id: int, limit: int) -> int:
    """Forget up to ``limit`` rows of a published batch; returns how many went."""
    await db.execute(
        "DELETE FROM import_row WHERE batch_id = ? AND line IN"
        " (SELECT line FROM import_row WHERE batch_id = ? ORDER BY line LIMIT ?)",
        (batch_id, batch_id, limit),
    )
    return await db.changes()


async def done_batches_with_rows(db: Database) -> list[int]:
    """Published batches whose rows were not all cleared (a process killed meanwhile)."""
    rows = await db.fetch_all(
        "SELECT DISTINCT b.id FROM import_batch b JOIN import_row r ON r.batch_id = b.id"
        " WHERE b.state = 'done' ORDER BY b.id"
    )
    return [int(r[0]) for r in rows]


async def set_state(db: Database, batch_id: int, state: BatchState) -> None:
    """Move a batch to its next state."""
    await db.execute("UPDATE import_batch SET state = ? WHERE id = ?", (state.value, batch_id))


async def next_clients(db: Database, batch_id: int, limit: int) -> list[StagedClient]:
    """The next rows of a batch still to move, in file order."""
    rows = await db.fetch_all(
        "SELECT line, payload FROM import_row WHERE batch_id = ? ORDER BY line LIMIT ?",
        (batch_id, limit),
    )
    return [StagedClient(int(r["line"]), _client_from_json(r["payload"])) for r in rows]


async def drop_rows(db: Database, batch_id: int, lines: Sequence[int]) -> None:
    """Forget moved rows (in the transaction that moved them)."""
    await db.execute_many(
        "DELETE FROM import_row WHERE batch_id = ? AND line = ?", [(batch_id, n) for n in lines]
    )


async def count_moved(db: Database, batch_id: int, added: int, skipped: int) -> None:
    """Add a chunk's outcome to the batch's totals."""
    await db.execute(
        "UPDATE import_batch SET added = added + ?, skipped = skipped + ? WHERE id = ?",
        (added, skipped, batch_id),
    )


async def rows_left(db: Database, batch_id: int) -> int:
    """How many rows of a batch have not been moved yet."""
    return int(
        await db.fetch_value("SELECT count(*) FROM import_row WHERE batch_id = ?", (batch_id,))
    )


async def get_batch(db: Database, batch_id: int) -> Batch | None:
    """One batch."""
    found = await _batches(db, "id = ?", (batch_id,))
    return found[0] if found else None


async def unfinished_batches(db: Database) -> list[Batch]:
    """Batches not done: staging ones to discard, ready ones to finish."""
    return await _batches(db, "state <> 'done'", ())


async def _batches(db: Database, where: str, params: tuple[object, ...]) -> list[Batch]:
    rows = await db.fetch_all(f"SELECT * FROM import_batch WHERE {where} ORDER BY id", params)
    return [
        Batch(
            r["id"],
            BatchState(r["state"]),
            r["source"],
            r["actor"],
            r["added"],
            r["skipped"],
            from_db(r["created_at"]),
        )  # fmt: skip
        for r in rows
    ]


async def secure_delete_on(db: Database) -> None:
    """Overwrite what this connection deletes from now on with zeros (SQLite).

    Staged rows are people's details. PostgreSQL: nothing to do (dead rows go
    at ``VACUUM``).
    """
    if db.dialect == "sqlite":
        await db.execute("PRAGMA secure_delete = ON")


async def discard_batch(db: Database, batch_id: int) -> None:
    """Drop a batch that never became ready (its import died while staging).

    Its rows are people's details (RODO): SQLite overwrites them with zeros
    (``secure_delete``, on for the rest of this connection), so a dropped
    file leaves no copy in free pages.
    """
    if db.dialect == "sqlite":
        await db.execute("PRAGMA secure_delete = ON")
    await db.execute("DELETE FROM import_row WHERE batch_id = ?", (batch_id,))
    await db.execute("DELETE FROM import_batch WHERE id = ?", (batch_id,))


IMPORT_LOCK_KEY = 0x62626969
"""PostgreSQL: the first key of an import's session advisory lock ("bbii"); the batch id is
the second (the two-key form never meets the write lock's one-key ``bbdi``)."""


def batch_lock_path(db: Database, batch_id: int) -> Path | None:
    """SQLite: the file an import of ``batch_id`` holds ``flock``'d (None: no file to lock).

    ``<database>.import-<batch>.lock`` beside the database; PostgreSQL and an
    in-memory database have none.
    """
    if db.dialect != "sqlite" or str(db.path) == ":memory:":
        return None
    return db.path.with_name(f"{db.path.name}.import-{batch_id}.lock")


class BatchHold:
    """A running import's claim on its batch: held until :meth:`release` or the process dies.

    Made by :func:`hold_batch`. While it is held, :func:`batch_alive` says the
    batch's import is running, so nobody drops rows it is still staging.
    """

    def __init__(self, db: Database, batch_id: int, fd: int | None) -> None:
        self._db = db
        self.batch_id = batch_id
        """The batch held."""
        self._fd = fd
        self._held = True

    async def release(self, *, finished: bool = True) -> None:
        """Let go: the import ended (``finished``) or gave up half-way.

        A finished import's lock file goes. One that gave up leaves it, unlocked,
        so the batch reads as dead at once and the next import or erasure
        cleans it up (and removes the file, :func:`forget_batch_lock`).
        """
        if not self._held:
            return
        self._held = False
        if self._fd is not None:
            path = batch_lock_path(self._db, self.batch_id)
            if path is not None and finished:
                with contextlib.suppress(OSError):
                    path.unlink()
            os.close(self._fd)
        elif self._db.dialect == "postgresql":
            with contextlib.suppress(Exception):  # a lost connection has let go already
                await self._db.fetch_value(
                    f"SELECT pg_advisory_unlock({IMPORT_LOCK_KEY}, {int(self.batch_id)})"
                )


async def hold_batch(db: Database, batch_id: int) -> BatchHold:
    """Take the liveness lock of a batch just created (in the transaction that creates it).

    Taken before that transaction commits, so no other process ever sees the
    batch without its lock. SQLite: the lock file is created ``0660`` with the
    database's group (the next import or an erasure, run by another admin,
    must be able to take it once this process is gone); a file system without
    locks holds nothing, and the batch then counts as live until it is old
    (:func:`batch_alive`).
    """
    path = batch_lock_path(db, batch_id)
    if path is None:
        if db.dialect == "postgresql":
            await db.fetch_value(f"SELECT pg_advisory_lock({IMPORT_LOCK_KEY}, {int(batch_id)})")
        return BatchHold(db, batch_id, None)
    import fcntl

    fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    with contextlib.suppress(OSError):
        os.fchmod(fd, FILE_MODE)  # the umask took bits away at open
    with contextlib.suppress(OSError):
        os.fchown(fd, -1, db.path.stat().st_gid)
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return BatchHold(db, batch_id, fd)


async def batch_alive(db: Database, batch: Batch, stale_before: datetime) -> bool:
    """Whether the import of ``batch`` is still running (holds its liveness lock).

    A batch nobody holds belongs to an import that died (``kill -9``, a power
    cut, a lost SSH session): its staged rows may go at once. Where the lock
    cannot tell (SQLite: no lock file, as an older version's import left none,
    or a file system without locks), the batch counts as live until it was
    created before ``stale_before``.
    """
    path = batch_lock_path(db, batch.id)
    if path is None:
        if db.dialect != "postgresql":
            return batch.created_at >= stale_before
        held = await db.fetch_value(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            f" AND classid::bigint = {IMPORT_LOCK_KEY} AND objid::bigint = {int(batch.id)}"
            " AND objsubid = 2"
        )
        return bool(held)
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return batch.created_at >= stale_before
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return batch.created_at >= stale_before
    finally:
        os.close(fd)
    return False


def forget_batch_lock(db: Database, batch_id: int) -> None:
    """Remove the lock file a dead import left (after its batch is cleaned up)."""
    path = batch_lock_path(db, batch_id)
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()
