"""Creating and finding clients."""

from __future__ import annotations

from dataclasses import replace

from bbdispatch.domain.clients import Client, ClientKind, NewClient
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.storage import clients as store
from bbdispatch.taxid import parse_nip


def validate_new_client(new: NewClient) -> NewClient:
    """Check and normalise a new client (NIP digits, trimmed text).

    Raises:
        DomainError: the name is missing or the NIP is invalid.
    """
    name = new.name.strip()
    if not name:
        raise DomainError(_("Enter the client's name."))
    nip = parse_nip(new.nip) if new.nip and new.nip.strip() else None
    if nip and new.kind is ClientKind.PRIVATE:
        nip = None
    return replace(new, name=name, nip=nip, email=new.email.strip())


async def create_client(ctx: Ctx, new: NewClient) -> int:
    """Save a new client (a prospect unless told otherwise), audited.

    Raises:
        DomainError: invalid data, or the NIP belongs to another client already.
    """
    new = validate_new_client(new)
    async with ctx.db.transaction():
        if new.nip:
            existing = await store.client_by_nip(ctx.db, new.nip)
            if existing:
                raise DomainError(
                    _("NIP {nip} already belongs to {name}.").format(
                        nip=new.nip, name=existing.name
                    )
                )
        client_id = await store.insert_client(ctx.db, new, ctx.now_db())
        await audit.record(ctx, "client", client_id, "created", name=new.name, kind=new.kind.value)
    return client_id


async def add_phone(ctx: Ctx, client_id: int, e164: str, label: str = "") -> None:
    """Attach a new number to a client (the client called from a new phone)."""
    async with ctx.db.transaction():
        await store.add_phone(ctx.db, client_id, e164, label)
        await audit.record(ctx, "client", client_id, "phone_added", e164=e164)


async def get_client(ctx: Ctx, client_id: int) -> Client:
    """One client.

    Raises:
        NotFound: no such client.
    """
    client = await store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    return client


async def clients_by_phone(ctx: Ctx, e164: str) -> list[Client]:
    """Every client a number belongs to."""
    return await store.clients_by_phone(ctx.db, e164)


async def search_clients(ctx: Ctx, text: str, limit: int = 20) -> list[Client]:
    """Find clients by part of the name, NIP or phone number."""
    if not text.strip():
        return []
    return await store.search_clients(ctx.db, text, limit)
