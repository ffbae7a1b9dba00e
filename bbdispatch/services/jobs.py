"""Creating jobs and reading job lists."""

from __future__ import annotations

from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import Job, NewJob
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import jobs as store


async def create_job(ctx: Ctx, new: NewJob) -> int:
    """Record a new job, its first status and an audit row, in one transaction.

    Raises:
        DomainError: empty description or unknown client.
    """
    if not new.description.strip():
        raise DomainError(_("Describe the request."))
    async with ctx.db.transaction():
        job_id = await insert_job_in_tx(ctx, new)
    return job_id


async def insert_job_in_tx(ctx: Ctx, new: NewJob) -> int:
    """Insert a job inside a transaction the caller already holds."""
    if await client_store.get_client(ctx.db, new.client_id) is None:
        raise NotFound(_("No client with id {id}.").format(id=new.client_id))
    job_id = await store.insert_job(ctx.db, new, ctx.now_db(), ctx.actor)
    await audit.record(
        ctx, "job", job_id, "created", client_id=new.client_id, priority=new.priority.value,
        mode=new.mode.value, category=new.category.value,
    )  # fmt: skip
    return job_id


async def get_job(ctx: Ctx, job_id: int) -> Job:
    """One job.

    Raises:
        NotFound: no such job.
    """
    job = await store.get_job(ctx.db, job_id)
    if job is None:
        raise NotFound(_("No job {id}.").format(id=job_id))
    return job
