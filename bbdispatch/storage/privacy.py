"""What the database holds about one client (RODO / GDPR): found, exported, checked.

Reads only: the footprint of a client (every id its data reaches), the export
of all of it, and the last checks of an erasure (does any stored text still
hold a detail; is it another client's own record). The erasure itself is
written by each table's own storage module, in the order the service gives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bbdispatch.storage.database import Database, Row, id_chunks

ERASED = "[usunięto — RODO]"
"""What an erased free-text field says instead (never empty where a CHECK needs text)."""


@dataclass(frozen=True)
class Footprint:
    """The ids of everything a client's data reaches.

    Attributes:
        client_id: the client.
        job_ids: the client's jobs.
        billed_job_ids: jobs with work on an issued statement (kept for accounting).
        contract_ids: the client's contracts.
        call_ids: calls matched to the client, or from a number only the client has.
        statement_ids: statements issued to the client.
        phones: the client's numbers (E.164) that no other client has.
        callback_ids: callbacks made for the client, its calls or its own numbers.
        work_entry_ids: work entries on the client's jobs, also those deleted
            since (found by the ``job_id`` of their audit rows).
        recurring_task_ids: recurring tasks of the client's contracts.
    """

    client_id: int
    job_ids: tuple[int, ...]
    billed_job_ids: tuple[int, ...]
    contract_ids: tuple[int, ...]
    call_ids: tuple[int, ...]
    statement_ids: tuple[int, ...]
    phones: tuple[str, ...]
    callback_ids: tuple[int, ...] = ()
    work_entry_ids: tuple[int, ...] = ()
    recurring_task_ids: tuple[int, ...] = ()

    def audit_subjects(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """Every (audit entity, ids) that is about this person: one list for export and erasure.

        The export hands over the audit rows of exactly these, and the erasure
        empties their details, so a new kind of record tied to a person is
        added here once and both follow.
        """
        return (
            ("client", (self.client_id,)), ("job", self.job_ids),
            ("contract", self.contract_ids), ("call", self.call_ids),
            ("callback", self.callback_ids), ("work_entry", self.work_entry_ids),
            ("recurring_task", self.recurring_task_ids), ("statement", self.statement_ids),
        )  # fmt: skip


def _ids(rows: list[Row]) -> tuple[int, ...]:
    return tuple(int(r[0]) for r in rows)


def _marks(ids: Sequence[object]) -> str:
    return ",".join("?" * len(ids))


async def footprint(db: Database, client_id: int) -> Footprint:
    """Find everything of one client (call inside the transaction that acts on it)."""
    jobs = _ids(await db.fetch_all("SELECT id FROM job WHERE client_id = ?", (client_id,)))
    billed = _ids(
        await db.fetch_all(
            "SELECT DISTINCT j.id FROM job j JOIN work_entry w ON w.job_id = j.id"
            " WHERE j.client_id = ? AND w.statement_id IS NOT NULL",
            (client_id,),
        )
    )
    contracts = _ids(
        await db.fetch_all("SELECT id FROM contract WHERE client_id = ?", (client_id,))
    )
    phones = tuple(
        r[0]
        for r in await db.fetch_all(
            "SELECT e164 FROM client_phone p WHERE client_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM client_phone o WHERE o.e164 = p.e164 AND o.client_id <> ?)",
            (client_id, client_id),
        )
    )
    calls = set(
        _ids(await db.fetch_all("SELECT id FROM call_log WHERE client_id = ?", (client_id,)))
    )
    calls |= set(await _ids_in(db, "call_log", "job_id", jobs))
    if phones:
        calls |= set(
            _ids(
                await db.fetch_all(
                    "SELECT id FROM call_log WHERE client_id IS NULL"
                    f" AND e164 IN ({_marks(phones)})",
                    phones,
                )
            )
        )
    statements = _ids(
        await db.fetch_all("SELECT id FROM statement WHERE client_id = ?", (client_id,))
    )
    callbacks = set(
        _ids(await db.fetch_all("SELECT id FROM callback WHERE client_id = ?", (client_id,)))
    )
    callbacks |= set(await _ids_in(db, "callback", "call_id", sorted(calls)))
    if phones:
        callbacks |= set(
            _ids(
                await db.fetch_all(
                    f"SELECT id FROM callback WHERE e164 IN ({_marks(phones)})", phones
                )
            )
        )
    entries = set(await _ids_in(db, "work_entry", "job_id", jobs))
    job_set = set(jobs)
    for row in await db.fetch_all(
        "SELECT entity_id, detail FROM audit_log WHERE entity = 'work_entry' AND action = 'deleted'"
    ):
        if _job_of(row[1]) in job_set:
            entries.add(int(row[0]))
    tasks = await _ids_in(db, "recurring_task", "contract_id", contracts)
    return Footprint(
        client_id, jobs, billed, contracts, tuple(sorted(calls)), statements, phones,
        callback_ids=tuple(sorted(callbacks)), work_entry_ids=tuple(sorted(entries)),
        recurring_task_ids=tuple(sorted(tasks)),
    )  # fmt: skip


async def _ids_in(db: Database, table: str, column: str, ids: Sequence[int]) -> list[int]:
    out: list[int] = []
    for part in id_chunks(list(ids)):
        out += _ids(
            await db.fetch_all(f"SELECT id FROM {table} WHERE {column} IN ({_marks(part)})", part)
        )
    return out


def _job_of(detail: object) -> int | None:
    """The ``job_id`` an audit detail names (a work entry's), or None."""
    try:
        value = json.loads(str(detail or "{}")).get("job_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


async def _rows(db: Database, sql: str, params: Sequence[object]) -> list[dict[str, Any]]:
    return [dict(r) for r in await db.fetch_all(sql, params)]


async def _rows_in(
    db: Database, table: str, column: str, ids: Sequence[int]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for part in id_chunks(list(ids)):
        out += await _rows(
            db, f"SELECT * FROM {table} WHERE {column} IN ({_marks(part)}) ORDER BY id", part
        )
    return out


async def export_data(db: Database, fp: Footprint) -> dict[str, Any]:
    """Everything held about the client, table by table, as plain JSON-ready data."""
    jobs = list(fp.job_ids)
    entries = await _rows_in(db, "work_entry", "job_id", jobs)
    inventories = await _rows(
        db, "SELECT * FROM software_inventory WHERE client_id = ? ORDER BY id", (fp.client_id,)
    )
    audit = await _audit_rows(db, fp)
    for row in audit:
        row["detail"] = json.loads(row["detail"] or "{}")
    return {
        "client": await _rows(db, "SELECT * FROM client WHERE id = ?", (fp.client_id,)),
        "phones": await _rows(
            db, "SELECT * FROM client_phone WHERE client_id = ? ORDER BY id", (fp.client_id,)
        ),
        "needs_assessments": await _rows(
            db, "SELECT * FROM needs_assessment WHERE client_id = ? ORDER BY id", (fp.client_id,)
        ),
        "contracts": await _rows_in(db, "contract", "id", fp.contract_ids),
        "jobs": await _rows_in(db, "job", "id", jobs),
        "job_status_changes": await _rows_in(db, "job_status_change", "job_id", jobs),
        "work_entries": entries,
        "run_logs": await _rows_in(db, "run_log", "job_id", jobs),
        "backup_checks": await _rows_in(db, "backup_check", "job_id", jobs),
        "software_inventories": inventories,
        "software_items": [
            dict(r)
            for inv in inventories
            for r in await db.fetch_all(
                "SELECT name, version FROM software_item WHERE inventory_id = ? ORDER BY name",
                (inv["id"],),
            )
        ],
        "calls": await _rows_in(db, "call_log", "id", fp.call_ids),
        "callbacks": await _rows_in(db, "callback", "id", fp.callback_ids),
        "statements": await _rows_in(db, "statement", "id", fp.statement_ids),
        "corrections": await _rows(
            db, "SELECT * FROM correction WHERE client_id = ? ORDER BY id", (fp.client_id,)
        ),
        "audit": audit,
    }


async def _audit_rows(db: Database, fp: Footprint) -> list[dict[str, Any]]:
    """The audit rows about this client and its things, and no one else's.

    Before migration 012 an erased record's id could be given to the next
    record, so rows about the same (entity, id) written up to an erasure that
    happened before this client existed are about the erased person: left out.
    """
    since = await db.fetch_value(
        "SELECT coalesce(max(a.id), 0) FROM audit_log a, client c WHERE c.id = ?"
        " AND a.action = 'privacy_erased' AND a.at <= c.created_at",
        (fp.client_id,),
    )
    out: list[dict[str, Any]] = []
    for entity, ids in fp.audit_subjects():
        for part in id_chunks(list(ids)):
            out += await _rows(
                db,
                f"SELECT * FROM audit_log WHERE entity = ? AND entity_id IN ({_marks(part)})"
                " AND id > ? ORDER BY id",
                [entity, *part, since],
            )
    return sorted(out, key=lambda r: int(r["id"]))


async def secure_delete_on(db: Database) -> None:
    """From now on this connection overwrites deleted content with zeros.

    SQLite only: PostgreSQL's deleted rows stay in their pages until ``VACUUM``
    (``docs/privacy.md``).
    """
    if db.dialect == "sqlite":
        await db.execute("PRAGMA secure_delete = ON")


async def text_columns_containing(db: Database, needle: str) -> list[str]:
    """``table.column`` of every stored text that still contains ``needle`` (a last check)."""
    found: list[str] = []
    for table, name in await _columns(db):
        hit = await db.fetch_value(
            f'SELECT 1 FROM "{table}" WHERE instr(CAST("{name}" AS TEXT), ?) > 0 LIMIT 1',
            (needle,),
        )
        if hit:
            found.append(f"{table}.{name}")
    return found


async def _columns(db: Database) -> list[tuple[str, str]]:
    """(table, column) of every bbdispatch table, from the backend's catalogue."""
    if db.dialect != "sqlite":
        rows = await db.fetch_all(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        return [(str(r[0]), str(r[1])) for r in rows]
    found: list[tuple[str, str]] = []
    tables = await db.fetch_all(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND sql NOT LIKE 'CREATE VIRTUAL%'"
    )
    for (table,) in [tuple(t) for t in tables]:
        for col in await db.fetch_all(f'PRAGMA table_info("{table}")'):
            found.append((str(table), str(col[1])))
    return found


async def checkpoint_truncate(db: Database) -> bool:
    """Move the WAL into the file and empty it, so old page images leave no copy there.

    Returns False when another connection's reader kept part of the WAL alive.
    PostgreSQL: True (its write-ahead log is the server's, not a file beside the data).
    """
    if db.dialect != "sqlite":
        return True
    row = await db.fetch_one("PRAGMA wal_checkpoint(TRUNCATE)")
    return row is not None and int(row[0]) == 0


async def held_for_others(db: Database, client_id: int, needle: str) -> bool:
    """True when another client's own record shows the detail too.

    A private person may also be a company's contact person, or share its
    phone: that is the company's record, not this person's, and stays.
    """
    value = await db.fetch_value(
        "SELECT 1 FROM client WHERE id <> ? AND (instr(name, ?) > 0"
        " OR instr(contact_person, ?) > 0 OR instr(email, ?) > 0 OR nip = ?)"
        " UNION ALL SELECT 1 FROM client_phone WHERE client_id <> ?"
        " AND (instr(e164, ?) > 0 OR instr(contact_person, ?) > 0)"
        " UNION ALL SELECT 1 FROM job WHERE client_id <> ?"
        " AND (instr(caller_name, ?) > 0 OR instr(coalesce(caller_phone, ''), ?) > 0) LIMIT 1",
        (client_id, needle, needle, needle, needle, client_id, needle, needle, client_id,
         needle, needle),
    )  # fmt: skip
    return value is not None


async def was_erased(db: Database, client_id: int) -> bool:
    """Whether the client's personal data was erased (a ``privacy_erased`` audit row names it).

    Ids are never given out again (``id_high_water``), so the row is about this
    client for good, whether its record was deleted or kept, anonymised, for
    accounting. A database that reused ids before migration 012 may hold a
    client made after an erasure under the same id: that erasure is not about
    it (as in the export). One indexed lookup (``audit_log_by_entity``).
    """
    found = await db.fetch_value(
        "SELECT count(*) FROM audit_log a"
        " WHERE a.entity = 'client' AND a.entity_id = ? AND a.action = 'privacy_erased'"
        " AND NOT EXISTS (SELECT 1 FROM client c WHERE c.id = a.entity_id"
        " AND c.created_at >= a.at)",
        (client_id,),
    )
    return bool(found)
