"""The caller's card: what the dispatcher sees about a caller while on the phone.

Apart from the intake (:mod:`bbdispatch.services.intake`, which re-exports it)
so ``bbdispatch lookup`` loads no audit trail, callbacks or job saving (issue
13: the phone path costs at most 1.5× a bare script).
"""

from __future__ import annotations

from dataclasses import dataclass

from bbdispatch.domain.clients import Client
from bbdispatch.domain.contracts import Balance
from bbdispatch.domain.errors import NotFound
from bbdispatch.domain.jobs import JobRow
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store

LAST_JOBS = 3
"""How many closed jobs the caller card shows."""


@dataclass(frozen=True)
class CallerCard:
    """Everything the dispatcher needs to see about a caller while on the phone."""

    client: Client
    balances: list[Balance]
    """Contracts with their usage, oldest first (all statuses)."""
    open_jobs: list[JobRow]
    last_jobs: list[JobRow]
    """The latest closed jobs, newest first."""
    has_assessment: bool


async def caller_card(ctx: Ctx, client_id: int) -> CallerCard:
    """The caller's card: contracts with balances, open and last jobs, assessment.

    Raises:
        NotFound: no such client.
    """
    await check(ctx, Action.CLIENT_VIEW, entity="client", entity_id=client_id)
    client = await client_store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    contracts = await contract_store.contracts_of(ctx.db, client_id)
    used = await contract_store.used_minutes(ctx.db, [c.id for c in contracts])
    found = [Balance(c, used.get(c.id, 0)) for c in contracts]  # as services.contracts.balances
    jobs = await job_store.job_rows_of_client(ctx.db, client_id, limit=30)
    open_jobs = [r for r in jobs if r.job.status.is_open]
    closed = [r for r in jobs if not r.job.status.is_open][:LAST_JOBS]
    assessed = bool(await contract_store.assessments_of(ctx.db, client_id))
    return CallerCard(client, found, open_jobs, closed, assessed)
