"""Software inventories: load a technician's export on a job, and show what changed.

The point of the periodic inventory is the difference: what staff installed,
removed or updated since last time, on each computer. A list belongs to a
named computer of the client (from the file, or given when loading) and is
compared with that computer's previous list. Only a run of the client's
inventory task (a recurring task of category software) takes a list.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.inventory import InventoryDiff, SoftwareList, diff_inventories, parse_export
from bbdispatch.domain.jobs import Category, Job, JobStatus
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check, check_job
from bbdispatch.services.saving import saves
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import inventory as store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import recurring as recurring_store
from bbdispatch.storage.inventory import InventoryHead

MAX_EXPORT_BYTES = 5 * 1024 * 1024
"""Exports are a few kilobytes; anything this big is the wrong file."""


@dataclass(frozen=True)
class InventoryInfo:
    """One stored inventory: when, from which job, and its programs."""

    id: int
    job_id: int | None
    loaded_at: datetime
    software: SoftwareList

    @property
    def host(self) -> str:
        """The computer the list comes from."""
        return self.software.host


@dataclass(frozen=True)
class InventoryReport:
    """A computer's newest inventory against its own previous one."""

    client_id: int
    latest: InventoryInfo
    previous: InventoryInfo | None
    diff: InventoryDiff


@saves
async def load_inventory(
    ctx: Ctx, job_id: int, data: bytes, source_name: str = "", host: str | None = None
) -> InventoryReport:
    """Parse an export, store it for the job's computer, compare with that computer's previous.

    Args:
        ctx: the service environment.
        job_id: the inventory run the list was taken on.
        data: the file's bytes.
        source_name: the file's name, for the record.
        host: the computer's name; needed when the file does not name it, and
            must agree with the file when both do.

    Raises:
        NotFound: no such job.
        DomainError: a job that is not an inventory run or was cancelled, an
            export that cannot be read, or no (or a conflicting) computer name.
    """
    await check_job(ctx, Action.RUN_RECORD, job_id)
    if len(data) > MAX_EXPORT_BYTES:
        raise DomainError(_("The file is too big for a software list."))
    software = parse_export(data)
    software = replace(software, host=_computer(software.host, host))
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        if job is None:
            raise NotFound(_("No job {id}.").format(id=job_id))
        await _check_inventory_run(ctx, job)
        inventory_id = await store.insert_inventory(
            ctx.db, client_id=job.client_id, job_id=job_id, source_name=source_name,
            software=software, loaded_by=ctx.actor, loaded_at=ctx.clock.now(),
        )  # fmt: skip
        await audit.record(
            ctx, "software_inventory", inventory_id, "loaded", job_id=job_id,
            programs=len(software.items), format=software.format.value, source=source_name,
            host=software.host,
        )  # fmt: skip
    # What changed on the computer is what the run needs: its technician sees it
    # without the right to browse the client's inventories.
    (report,) = await _reports(ctx, job.client_id, software.host)
    return report


def _read_export(path: Path) -> bytes:
    """The bytes of the plain file ``path``, at most :data:`MAX_EXPORT_BYTES`.

    Opened without blocking and checked before a byte is read: a named pipe or
    a device under the name is refused at once instead of hanging the command.

    Raises:
        DomainError: the file cannot be opened, is no plain file, or is too big.
    """
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise DomainError(
            _("Cannot read {path}: {err}").format(path=path, err=err.strerror)
        ) from err
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DomainError(
                _("{path} is not a plain file (a named pipe or a device?): give the export "
                  "file itself.").format(path=path)
            )  # fmt: skip
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(MAX_EXPORT_BYTES + 1)
    except OSError as err:
        raise DomainError(
            _("Cannot read {path}: {err}").format(path=path, err=err.strerror)
        ) from err
    finally:
        os.close(fd)
    if len(data) > MAX_EXPORT_BYTES:
        raise DomainError(_("The file is too big for a software list."))
    return data


MAX_HOST = 63
"""Longest computer name taken (a DNS label; NetBIOS names are 15)."""


def _computer(from_file: str, given: str | None) -> str:
    """The computer a list belongs to: the file's name for it, or the one given.

    Raises:
        DomainError: neither names one, they disagree, or the name is no name.
    """
    given = (given or "").strip()
    if given and from_file and given.casefold() != from_file.casefold():
        raise DomainError(
            _("The file comes from {file}, not {given}: check the file or leave --host out.")
            .format(file=from_file, given=given)
        )  # fmt: skip
    name = from_file or given
    if not name:
        raise DomainError(
            _("Say which computer the list comes from (--host NAME): the file does not name it.")
        )
    if len(name) > MAX_HOST or not name.isprintable():
        raise DomainError(
            _("A computer name is up to {n} printable characters.").format(n=MAX_HOST)
        )
    return name.upper()


async def _check_inventory_run(ctx: Ctx, job: Job) -> None:
    """Refuse a job that is not an open or done run of an inventory task (category software).

    Raises:
        DomainError: a cancelled job, a job that is not a recurring run, or the
            run of another kind of task (a backup check).
    """
    if job.status is JobStatus.CANCELLED:
        raise DomainError(_("Job {id} was cancelled.").format(id=job.id))
    task = None
    if job.recurring_task_id is not None:
        task = await recurring_store.get_task(ctx.db, job.recurring_task_id)
    if task is None or task.category is not Category.SOFTWARE:
        raise DomainError(
            _(
                "Job {id} is not an inventory run: load the list on a run of the client's"
                " software inventory task."
            ).format(id=job.id)
        )


async def inventory_report(ctx: Ctx, client_id: int, host: str | None = None) -> InventoryReport:
    """A computer's newest inventory and what changed since its previous one.

    Without ``host``: the computer whose list was loaded last.

    Raises:
        NotFound: unknown client, or no inventory loaded for it (or that computer) yet.
    """
    reports = await inventory_reports(ctx, client_id, host)
    return max(reports, key=lambda r: (r.latest.loaded_at, r.latest.id))


async def inventory_reports(
    ctx: Ctx, client_id: int, host: str | None = None
) -> list[InventoryReport]:
    """Each computer's newest inventory against its own previous one, by computer name.

    Raises:
        NotFound: unknown client, or no inventory loaded for it (or that computer) yet.
    """
    await check(ctx, Action.INVENTORY_VIEW, entity="client", entity_id=client_id)
    return await _reports(ctx, client_id, host)


async def _reports(ctx: Ctx, client_id: int, host: str | None) -> list[InventoryReport]:
    """The reports of :func:`inventory_reports`, the right already checked by the caller."""
    heads = await _heads(ctx, client_id, host)
    by_host: dict[str, list[InventoryHead]] = {}
    for head in heads:
        by_host.setdefault(head.host, []).append(head)
    reports = []
    for name in sorted(by_host, key=str.casefold):
        infos = [await _info(ctx, head) for head in by_host[name][:2]]
        previous = infos[1] if len(infos) > 1 else None
        diff = diff_inventories(previous.software if previous else None, infos[0].software)
        reports.append(InventoryReport(client_id, infos[0], previous, diff))
    return reports


async def full_inventory(ctx: Ctx, client_id: int, host: str | None = None) -> list[InventoryInfo]:
    """The newest list of each computer of the client (or of one), by computer name.

    Raises:
        NotFound: unknown client, or no inventory loaded for it (or that computer) yet.
    """
    return [r.latest for r in await inventory_reports(ctx, client_id, host)]


async def _heads(ctx: Ctx, client_id: int, host: str | None) -> list[InventoryHead]:
    if await client_store.get_client(ctx.db, client_id) is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    name = host.strip().upper() if host is not None else None
    heads = await store.inventory_ids_of_client(ctx.db, client_id, name)
    if not heads and name is not None:
        raise NotFound(_("No software inventory of computer {host} yet.").format(host=name))
    if not heads:
        raise NotFound(_("No software inventory loaded for this client yet."))
    return heads


async def _info(ctx: Ctx, head: InventoryHead) -> InventoryInfo:
    software = await store.load_inventory(ctx.db, head.id)
    assert software is not None
    return InventoryInfo(head.id, head.job_id, head.loaded_at, software)


@saves
async def load_inventory_file(
    ctx: Ctx, job_id: int, path: Path, host: str | None = None
) -> InventoryReport:
    """Check the right and the job, then read an export from a file and load it on the job.

    The file is not touched before the acting person is known to may record
    this run and the job is an open inventory run (``docs/rights.md``: the
    right comes first): a refused technician learns nothing of the file. Only a
    plain file is read (a named pipe or a device would block or never end),
    at most :data:`MAX_EXPORT_BYTES`, off the event loop.

    Raises:
        NotFound: no such job.
        Refused: the acting person may not record this run (audited).
        DomainError: not an inventory run, the file cannot be read or is not a
            plain file, or :func:`load_inventory` refuses it.
    """
    job = await check_job(ctx, Action.RUN_RECORD, job_id)
    await _check_inventory_run(ctx, job)
    path = await asyncio.to_thread(path.expanduser)
    data = await asyncio.to_thread(_read_export, path)
    return await load_inventory(ctx, job_id, data, path.name, host)
