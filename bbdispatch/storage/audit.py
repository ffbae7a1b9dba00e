"""The audit log table."""

from __future__ import annotations

import json
from typing import Any

from bbdispatch.clock import from_db
from bbdispatch.domain.audit import AuditEntry
from bbdispatch.storage.database import Database


async def insert_audit(
    db: Database,
    at: str,
    actor: str,
    entity: str,
    entity_id: int | None,
    action: str,
    detail: dict[str, Any],
) -> None:
    """Record one change (inside the transaction that makes it)."""
    await db.execute(
        "INSERT INTO audit_log (at, actor, entity, entity_id, action, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (at, actor, entity, entity_id, action, json.dumps(detail, ensure_ascii=False, default=str)),
    )


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
