"""The audit log table."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.audit import AuditEntry
from bbdispatch.domain.audit_chain import (
    GENESIS,
    ChainedRow,
    canonical,
    digest,
    link,
    new_salt,
)
from bbdispatch.domain.people import ROLE_ACTIONS, Role, recorded_role
from bbdispatch.storage.database import Database, Row
from bbdispatch.storage.role_records import RoleRecord as RoleRecord


def _encode(value: object) -> object:
    """JSON for the domain values a detail may hold: UTC text, ISO dates, decimal strings."""
    if isinstance(value, datetime):
        return to_db(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return str(value)


async def insert_audit(
    db: Database,
    at: datetime,
    actor: str,
    entity: str,
    entity_id: int | None,
    action: str,
    detail: dict[str, Any],
) -> None:
    """Record one change (inside the transaction that makes it), chained to the last row.

    The new row's id and hash follow the newest row's; the write transaction
    (``BEGIN IMMEDIATE``) keeps every other process out meanwhile, so two
    processes appending at once still make one unbroken chain.

    ``detail`` may hold domain values (aware datetimes, dates, Decimal, enums);
    they are stored as JSON text here.
    """
    last = await db.fetch_one("SELECT id, chain_hash FROM audit_head")  # migration 023
    row_id = 1 if last is None else int(last["id"]) + 1
    previous = GENESIS if last is None else str(last["chain_hash"])
    at_text, detail_text, salt = to_db(at), _encode_detail(detail), new_salt()
    detail_digest = digest(detail_text, salt)
    chain_hash = link(
        previous, canonical(row_id, at_text, actor, entity, entity_id, action, detail_digest)
    )
    await db.execute(
        "INSERT INTO audit_log"
        " (id, at, actor, entity, entity_id, action, detail, detail_salt, detail_digest,"
        " chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row_id, at_text, actor, entity, entity_id, action, detail_text, salt, detail_digest,
         chain_hash),
    )  # fmt: skip


async def insert_audit_many(
    db: Database,
    at: datetime,
    actor: str,
    entity: str,
    action: str,
    items: Sequence[tuple[int | None, dict[str, Any]]],
) -> None:
    """Record many changes of one kind at once (``items``: entity id and detail), chained.

    The same rows :func:`insert_audit` would write one by one, hashed here and
    inserted with one statement, for a publish of thousands of rows in one
    short transaction.
    """
    last = await db.fetch_one("SELECT id, chain_hash FROM audit_head")  # migration 023
    row_id = 0 if last is None else int(last["id"])
    previous = GENESIS if last is None else str(last["chain_hash"])
    at_text = to_db(at)
    rows: list[tuple[object, ...]] = []
    for entity_id, detail in items:
        row_id += 1
        detail_text, salt = _encode_detail(detail), new_salt()
        detail_digest = digest(detail_text, salt)
        previous = link(
            previous,
            canonical(row_id, at_text, actor, entity, entity_id, action, detail_digest),
        )
        rows.append(
            (row_id, at_text, actor, entity, entity_id, action, detail_text, salt,
             detail_digest, previous)
        )  # fmt: skip
    await db.execute_many(
        "INSERT INTO audit_log"
        " (id, at, actor, entity, entity_id, action, detail, detail_salt, detail_digest,"
        " chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _encode_detail(detail: dict[str, Any]) -> str:
    """A detail as the JSON text stored in ``audit_log.detail``."""
    return json.dumps(detail, ensure_ascii=False, default=_encode)


async def recent_same(
    db: Database,
    since: datetime,
    actor: str,
    entity: str,
    entity_id: int | None,
    action: str,
    detail: dict[str, Any],
) -> bool:
    """Whether the same record was already written at or after ``since``."""
    found = await db.fetch_value(
        "SELECT 1 FROM audit_log WHERE at >= ? AND actor = ? AND entity = ?"
        " AND entity_id IS ? AND action = ? AND detail = ? LIMIT 1",
        (to_db(since), actor, entity, entity_id, action, _encode_detail(detail)),
    )
    return found is not None


async def audit_for(db: Database, entity: str, entity_id: int) -> list[AuditEntry]:
    """The trail of one thing, oldest first."""
    rows = await db.fetch_point(
        "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY at, id",
        (entity, entity_id),
    )
    return [audit_entry_from_row(r) for r in rows]


def audit_entry_from_row(row: Row) -> AuditEntry:
    """An ``audit_log`` row as an AuditEntry (its detail decoded from JSON)."""
    return AuditEntry(
        id=row["id"],
        at=from_db(row["at"]),
        actor=row["actor"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        action=row["action"],
        detail=json.loads(row["detail"]),
    )


async def clear_details(
    db: Database, entity: str, ids: Sequence[int], *, keep_issued: bool = False
) -> None:
    """Empty the details of audit rows about these things, and drop their salts; the rows stay.

    Without its salt a row's ``detail_digest`` no longer confirms a guess of
    the detail (rows written before migration 028 have none: their unsalted
    digest still would, ``docs/privacy.md``).

    ``keep_issued``: rows recording an issued statement keep theirs (they hold
    the statement as issued, an accounting record).
    """
    keep = " AND NOT (entity = 'statement' AND action = 'issued')" if keep_issued else ""
    await db.execute_for_ids(
        "UPDATE audit_log SET detail = '{{}}', detail_salt = NULL"
        " WHERE entity = ? AND entity_id IN ({marks})" + keep,
        ids,
        before=(entity,),
    )


async def clear_details_quoting(db: Database, text: str, *, keep_issued: bool = False) -> None:
    """Empty the details of audit rows that quote ``text`` (a name, a number), and their salts."""
    keep = " AND NOT (entity = 'statement' AND action = 'issued')" if keep_issued else ""
    await db.execute(
        "UPDATE audit_log SET detail = '{}', detail_salt = NULL WHERE instr(detail, ?) > 0" + keep,
        (text,),
    )


@dataclass(frozen=True)
class RoleGiven:
    """An audit row giving a person a dispatcher's or admin's role, with that person's login."""

    record: RoleRecord
    login: str
    """The person's login from the ``technician`` table (``""`` when the row is gone)."""


async def roles_given_after(db: Database, after_id: int) -> list[RoleGiven]:
    """Audit rows after row ``after_id`` that give someone a dispatcher's or admin's role.

    With the person's login (from the ``technician`` table, ``""`` when gone),
    oldest first: what ``audit verify`` lists as given since the last seal.
    """
    marks = ",".join("?" * len(ROLE_ACTIONS))
    rows = await db.fetch_all(
        "SELECT a.*, t.login AS person_login FROM audit_log a"
        " LEFT JOIN technician t ON t.id = a.entity_id"
        f" WHERE a.id > ? AND a.entity = 'technician' AND a.action IN ({marks}) ORDER BY a.id",
        (after_id, *ROLE_ACTIONS),
    )
    found: list[RoleGiven] = []
    for row in rows:
        try:
            detail = json.loads(row["detail"])
        except ValueError:
            detail = None
        role = recorded_role(row["action"], detail)
        if role in (Role.DISPATCHER, Role.ADMIN):
            record = RoleRecord(
                id=int(row["id"]), action=row["action"], actor=row["actor"],
                at=from_db(row["at"]), role=role, intact=True,
            )  # fmt: skip
            found.append(RoleGiven(record, row["person_login"] or ""))
    return found


def _chained(row: Row) -> ChainedRow:
    return ChainedRow(
        id=row["id"], at=row["at"], actor=row["actor"], entity=row["entity"],
        entity_id=row["entity_id"], action=row["action"], detail=row["detail"],
        detail_digest=row["detail_digest"], chain_hash=row["chain_hash"],
        detail_salt=row["detail_salt"] if "detail_salt" in set(row.keys()) else None,
    )  # fmt: skip


async def chained_rows(db: Database, batch: int = 5000) -> AsyncIterator[ChainedRow]:
    """Every audit row as stored, in id order, read in batches (for verifying)."""
    after = 0
    while True:
        rows = await db.fetch_all(
            "SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?", (after, batch)
        )
        for row in rows:
            yield _chained(row)
        if len(rows) < batch:
            return
        after = int(rows[-1]["id"])
