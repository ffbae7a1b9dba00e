"""Writing and reading the audit trail."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bbdispatch.domain.audit import AuditEntry
from bbdispatch.domain.audit_chain import ChainCheck, Seal, verify
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
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


def seal_path(db_path: Path) -> Path:
    """Where the chain's head is sealed: ``<database>.audit-head`` beside the file."""
    return db_path.with_name(db_path.name + ".audit-head")


def read_seal(path: Path) -> Seal | None:
    """The sealed head in ``path``, or ``None`` when nothing was sealed yet.

    Raises:
        DomainError: the seal file exists but cannot be read as a seal.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Seal(int(data["id"]), str(data["chain_hash"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DomainError(
            _("The audit seal {path} cannot be read ({err}).").format(path=path, err=err)
        ) from err


async def verify_trail(ctx: Ctx) -> ChainCheck:
    """Check every audit row's hash against the row before, and the sealed head if any.

    Raises:
        Refused: the acting person may not verify the trail.
        DomainError: the seal file is unreadable.
    """
    await check(ctx, Action.AUDIT_VERIFY)
    seal = read_seal(seal_path(ctx.db.path))
    rows = [row async for row in audit_store.chained_rows(ctx.db)]
    return verify(rows, seal)


async def seal_trail(ctx: Ctx) -> Seal | None:
    """Verify the trail, then write its head to the seal file (admins; ``audit verify --seal``).

    The file is written by the admin's own process, ``0644``: technicians (who
    can write the database) cannot change it, so a trail rewritten after it no
    longer matches (``docs/audit.md``). Returns the sealed head (``None``: empty).

    Raises:
        Refused: the acting person is not an admin.
        DomainError: the trail is broken (nothing is sealed).
    """
    await check(ctx, Action.AUDIT_SEAL)
    result = await verify_trail(ctx)
    if not result.ok:
        raise DomainError(result.problem)
    if result.head is None:
        return None
    path = seal_path(ctx.db.path)
    data = {
        "id": result.head.id,
        "chain_hash": result.head.chain_hash,
        "sealed_at": ctx.clock.now().isoformat(timespec="seconds"),
        "sealed_by": ctx.actor,
    }
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    partial.chmod(0o644)
    os.replace(partial, path)
    return result.head
