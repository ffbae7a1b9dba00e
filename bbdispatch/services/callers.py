"""Who is calling: a number's clients, and a call reported by the phone system.

The phone path (``bbdispatch ring`` and ``bbdispatch lookup``, run by a PBX on
every incoming call) imports this module and not the whole intake
(:mod:`bbdispatch.services.intake`), whose jobs, contracts and callbacks a ring
never touches: issue 13 asks the phone path to cost at most 1.5× a bare script
doing the same (parse, one select). The intake re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bbdispatch.domain.clients import Client
from bbdispatch.domain.rights import Action
from bbdispatch.phones import parse_phone, try_parse_phone
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import clients as client_store


@dataclass(frozen=True)
class NumberMatch:
    """A typed or reported number and the clients it belongs to."""

    e164: str
    clients: list[Client]


async def lookup_number(ctx: Ctx, raw: str) -> NumberMatch:
    """Normalise a number and find every client it belongs to.

    Raises:
        InvalidPhoneNumber: the text is not a valid number.
    """
    await check(ctx, Action.CALL_LOOKUP)
    e164 = parse_phone(raw)
    return NumberMatch(e164, await client_store.clients_by_phone(ctx.db, e164))


@saves
async def record_ring(
    ctx: Ctx, raw: str, received_at: datetime | None = None
) -> tuple[int, NumberMatch | None]:
    """Log a call reported by the phone system, pending until the dispatcher handles it.

    A malformed or withheld number is still logged (every call counts),
    unmatched; an extension after the number (``wew. 12``) stays in the logged
    text and takes no part in the match. Whether a report names a caller at
    all is the phone system's door's to judge (``bbdispatch ring`` refuses
    ``""`` and ``abc`` with exit 2, :func:`bbdispatch.phones.is_caller_id`).
    ``received_at`` is for a call replayed from the spool (default: now).
    """
    # The call log's modules are for a ring only: a lookup logs nothing (issue 13).
    from bbdispatch.domain.calls import CallOutcome, CallSource
    from bbdispatch.storage import calls as store

    await check(ctx, Action.CALL_RING)
    e164 = try_parse_phone(raw)
    clients = await client_store.clients_by_phone(ctx.db, e164) if e164 else []
    async with ctx.db.transaction():
        call_id = await store.insert_call(
            ctx.db, received_at=received_at or ctx.clock.now(),
            raw_number=raw.strip(), e164=e164,
            client_id=clients[0].id if len(clients) == 1 else None, source=CallSource.RING,
            outcome=CallOutcome.PENDING,
        )  # fmt: skip
    return call_id, NumberMatch(e164, clients) if e164 else None
