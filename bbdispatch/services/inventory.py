"""Software inventories: load a technician's export on a job, and show what changed.

The point of the periodic inventory is the difference: what staff installed,
removed or updated since last time. Inventories are stored per client.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.inventory import InventoryDiff, SoftwareList, diff_inventories, parse_export
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check, check_job
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import inventory as store
from bbdispatch.storage import jobs as job_store

MAX_EXPORT_BYTES = 5 * 1024 * 1024
"""Exports are a few kilobytes; anything this big is the wrong file."""


@dataclass(frozen=True)
class InventoryInfo:
    """One stored inventory: when, from which job, and its programs."""

    id: int
    job_id: int | None
    loaded_at: datetime
    software: SoftwareList


@dataclass(frozen=True)
class InventoryReport:
    """A client's newest inventory against the one before it."""

    client_id: int
    latest: InventoryInfo
    previous: InventoryInfo | None
    diff: InventoryDiff


async def load_inventory(
    ctx: Ctx, job_id: int, data: bytes, source_name: str = ""
) -> InventoryReport:
    """Parse an export, store it for the job's client, and compare with the previous one.

    Raises:
        NotFound: no such job.
        DomainError: a cancelled job, or an export that cannot be read.
    """
    await check_job(ctx, Action.RUN_RECORD, job_id)
    if len(data) > MAX_EXPORT_BYTES:
        raise DomainError(_("The file is too big for a software list."))
    software = parse_export(data)
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        if job is None:
            raise NotFound(_("No job {id}.").format(id=job_id))
        if job.status is JobStatus.CANCELLED:
            raise DomainError(_("Job {id} was cancelled.").format(id=job_id))
        inventory_id = await store.insert_inventory(
            ctx.db, client_id=job.client_id, job_id=job_id, source_name=source_name,
            software=software, loaded_by=ctx.actor, loaded_at=ctx.clock.now(),
        )  # fmt: skip
        await audit.record(
            ctx, "software_inventory", inventory_id, "loaded", job_id=job_id,
            programs=len(software.items), format=software.format.value, source=source_name,
        )  # fmt: skip
    return await inventory_report(ctx, job.client_id)


async def inventory_report(ctx: Ctx, client_id: int) -> InventoryReport:
    """The client's newest inventory and what changed since the previous one.

    Raises:
        NotFound: unknown client, or no inventory loaded for it yet.
    """
    await check(ctx, Action.INVENTORY_VIEW, entity="client", entity_id=client_id)
    if await client_store.get_client(ctx.db, client_id) is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    heads = await store.inventory_ids_of_client(ctx.db, client_id)
    if not heads:
        raise NotFound(_("No software inventory loaded for this client yet."))
    infos = []
    for head in heads[:2]:
        software = await store.load_inventory(ctx.db, head.id)
        assert software is not None
        infos.append(InventoryInfo(head.id, head.job_id, head.loaded_at, software))
    previous = infos[1] if len(infos) > 1 else None
    diff = diff_inventories(previous.software if previous else None, infos[0].software)
    return InventoryReport(client_id, infos[0], previous, diff)


async def load_inventory_file(ctx: Ctx, job_id: int, path: Path) -> InventoryReport:
    """Read an export from a file (off the event loop) and load it on the job.

    Raises:
        DomainError: the file cannot be read, or :func:`load_inventory` refuses it.
    """
    await check_job(ctx, Action.RUN_RECORD, job_id)
    try:
        path = await asyncio.to_thread(path.expanduser)
        size = await asyncio.to_thread(lambda: path.stat().st_size)
        if size > MAX_EXPORT_BYTES:
            raise DomainError(_("The file is too big for a software list."))
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as err:
        raise DomainError(
            _("Cannot read {path}: {err}").format(path=path, err=err.strerror)
        ) from err
    return await load_inventory(ctx, job_id, data, path.name)
