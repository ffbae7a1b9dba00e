"""Staged imports: the ``import_batch`` and ``import_row`` tables.

A long import copies its checked rows here in short transactions, each row
with the client id it will take, then publishes them all in one short
transaction of set statements (``clients.publish_staged``): other writers never
wait long, and readers see the whole file or none of it. Rows are stored as
JSON of the domain type (plus the folded name the client table keeps).

Batches marked ``ready`` come from older versions, which moved rows into the
client table chunk by chunk after that commit point; they are still finished
(or dropped) row by row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.clients import (
    ClientKind,
    ClientStatus,
    NewClient,
    search_key,
    search_place,
)
from bbdispatch.storage.database import Database, next_id


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


async def discard_batch(db: Database, batch_id: int) -> None:
    """Drop a batch that never became ready (its import died while staging)."""
    await db.execute("DELETE FROM import_row WHERE batch_id = ?", (batch_id,))
    await db.execute("DELETE FROM import_batch WHERE id = ?", (batch_id,))
