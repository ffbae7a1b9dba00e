"""The audit log table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.audit import AuditEntry
from bbdispatch.storage.database import Database


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
    """Record one change (inside the transaction that makes it).

    ``detail`` may hold domain values (aware datetimes, dates, Decimal, enums);
    they are stored as JSON text here.
    """
    await db.execute(
        "INSERT INTO audit_log (at, actor, entity, entity_id, action, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            to_db(at),
            actor,
            entity,
            entity_id,
            action,
            encode_detail(detail),
        ),
    )


def encode_detail(detail: dict[str, Any]) -> str:
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
        (to_db(since), actor, entity, entity_id, action, encode_detail(detail)),
    )
    return found is not None


async def audit_for(db: Database, entity: str, entity_id: int) -> list[AuditEntry]:
    """The trail of one thing, oldest first."""
    rows = await db.fetch_all(
        "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY at, id",
        (entity, entity_id),
    )
    return [
        AuditEntry(
            id=r["id"],
            at=from_db(r["at"]),
            actor=r["actor"],
            entity=r["entity"],
            entity_id=r["entity_id"],
            action=r["action"],
            detail=json.loads(r["detail"]),
        )
        for r in rows
    ]


async def clear_details(
    db: Database, entity: str, ids: Sequence[int], *, keep_issued: bool = False
) -> None:
    """Empty the details of audit rows about these things; the rows stay.

    ``keep_issued``: rows recording an issued statement keep theirs (they hold
    the statement as issued, an accounting record).
    """
    keep = " AND NOT (entity = 'statement' AND action = 'issued')" if keep_issued else ""
    await db.execute_for_ids(
        "UPDATE audit_log SET detail = '{{}}' WHERE entity = ? AND entity_id IN ({marks})" + keep,
        ids,
        before=(entity,),
    )


async def clear_details_quoting(db: Database, text: str, *, keep_issued: bool = False) -> None:
    """Empty the details of audit rows that quote ``text`` (a name, a number)."""
    keep = " AND NOT (entity = 'statement' AND action = 'issued')" if keep_issued else ""
    await db.execute(
        "UPDATE audit_log SET detail = '{}' WHERE instr(detail, ?) > 0" + keep, (text,)
    )
