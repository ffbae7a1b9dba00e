"""Writing and reading the audit trail."""

from __future__ import annotations

from typing import Any

from bbdispatch.domain.audit import AuditEntry
from bbdispatch.domain.rights import Action
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.storage import audit as audit_store


async def record(ctx: Ctx, entity: str, entity_id: int | None, action: str, **detail: Any) -> None:
    """Record a change; call inside the transaction that makes the change."""
    await audit_store.insert_audit(
        ctx.db, ctx.clock.now(), ctx.actor, entity, entity_id, action, detail
    )


async def trail(ctx: Ctx, entity: str, entity_id: int) -> list[AuditEntry]:
    """Who changed this thing, when and how."""
    await check(ctx, Action.AUDIT_VIEW)
    return await audit_store.audit_for(ctx.db, entity, entity_id)
