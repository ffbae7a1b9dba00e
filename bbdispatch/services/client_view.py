"""All of a client on one page: details, contracts, assessments, jobs, calls.

The client screen and ``bbdispatch clients show`` read the same overview.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bbdispatch.domain.callbacks import Callback
from bbdispatch.domain.calls import CallLogEntry
from bbdispatch.domain.clients import Client
from bbdispatch.domain.contracts import NeedsAssessment
from bbdispatch.domain.errors import NotFound
from bbdispatch.domain.jobs import JobRow
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services.context import Ctx
from bbdispatch.services.ledger import ContractView, contract_views, uncovered_minutes
from bbdispatch.services.rights import check
from bbdispatch.storage import callbacks as callback_store
from bbdispatch.storage import calls as call_store
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store

RECENT_JOBS = 10
"""How many closed jobs the overview lists."""
RECENT_CALLS = 10
"""How many calls the overview lists."""


@dataclass(frozen=True)
class ClientOverview:
    """Everything the office knows about one client."""

    client: Client
    contracts: list[ContractView]
    """Every contract, oldest first, with hours left and the run-out forecast."""
    assessments: list[NeedsAssessment]
    """Needs assessments, newest revision first."""
    open_jobs: list[JobRow]
    recent_jobs: list[JobRow]
    """The latest closed jobs, newest first."""
    calls: list[CallLogEntry]
    """The latest calls, newest first."""
    uncovered_minutes: int
    """Unbilled time no contract covers (what a new contract could take)."""
    callbacks: list[Callback] = field(default_factory=list)
    """Callbacks to this client or its numbers, made or not, by time."""


async def client_overview(ctx: Ctx, client_id: int) -> ClientOverview:
    """The client's overview.

    Raises:
        NotAllowed: the acting person is not a dispatcher or an admin.
        NotFound: no such client.
    """
    await check(ctx, Action.CLIENT_VIEW, entity="client", entity_id=client_id)
    client = await client_store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    views = await contract_views(ctx, client_id)
    return ClientOverview(
        client=client,
        contracts=views,
        assessments=await contract_store.assessments_of(ctx.db, client_id),
        open_jobs=await job_store.job_rows_of_client(ctx.db, client_id, None, which="open"),
        recent_jobs=await job_store.job_rows_of_client(
            ctx.db, client_id, RECENT_JOBS, which="closed"
        ),
        calls=await call_store.calls_of_client(ctx.db, client_id, RECENT_CALLS),
        uncovered_minutes=await uncovered_minutes(ctx, client_id),
        callbacks=await callback_store.callbacks_of(
            ctx.db, client_id, [p.e164 for p in client.phones]
        ),
    )
