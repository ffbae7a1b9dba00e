"""The caller's card: what the dispatcher sees about a caller while on the phone.

Apart from the intake (:mod:`bbdispatch.services.intake`, which re-exports it)
so ``bbdispatch lookup`` loads no audit trail, callbacks or job saving (issue
13: the phone path costs at most 1.5× a bare script).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bbdispatch.domain.clients import Client
from bbdispatch.domain.contracts import Balance, ContractStatus
from bbdispatch.domain.errors import NotFound
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import job_counts

if TYPE_CHECKING:  # ``lookup`` counts open jobs (caller_summary): no job rows to decode
    from bbdispatch.domain.jobs import JobRow

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
        ClientErased: the client's data was erased (an open intake drops the card).
    """
    await check(ctx, Action.CLIENT_VIEW, entity="client", entity_id=client_id)
    from bbdispatch.services.erased import refuse_if_erased  # the intake's, not lookup's

    await refuse_if_erased(ctx, client_id)
    client = await client_store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    contracts = await contract_store.contracts_of(ctx.db, client_id)
    used = await contract_store.used_minutes(ctx.db, [c.id for c in contracts])
    found = [Balance(c, used.get(c.id, 0)) for c in contracts]  # as services.contracts.balances
    from bbdispatch.storage import jobs as job_store

    open_jobs = await job_store.job_rows_of_client(ctx.db, client_id, None, which="open")
    closed = await job_store.job_rows_of_client(ctx.db, client_id, LAST_JOBS, which="closed")
    assessed = bool(await contract_store.assessments_of(ctx.db, client_id))
    return CallerCard(client, found, open_jobs, closed, assessed)


@dataclass(frozen=True)
class CallerSummary:
    """What ``bbdispatch lookup`` says of a caller: the card's active contracts and open jobs."""

    balances: list[Balance]
    """The active contracts with their usage, oldest first (as on the card)."""
    open_jobs: int
    """How many of the client's jobs are open (the card lists every one)."""


async def caller_summary(ctx: Ctx, client_id: int) -> CallerSummary:
    """The caller card's active contracts and count of open jobs, without the rest.

    The same figures as :func:`caller_card` (checked by a test), for the phone
    system's ``lookup`` on every call: it decodes no job and sums the used
    minutes of the active contracts only (the busiest client has some 150
    contracts and 30,000 charges; it shows three).
    """
    await check(ctx, Action.CLIENT_VIEW, entity="client", entity_id=client_id)
    active = [
        c
        for c in await contract_store.contracts_of(ctx.db, client_id)
        if c.status is ContractStatus.ACTIVE
    ]
    used = await contract_store.used_minutes(ctx.db, [c.id for c in active])
    open_jobs = await job_counts.open_jobs_of(ctx.db, client_id)
    return CallerSummary([Balance(c, used.get(c.id, 0)) for c in active], open_jobs)
