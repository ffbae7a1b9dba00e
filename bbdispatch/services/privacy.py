"""RODO (GDPR) requests of the people the firm serves: hand over their data, or erase it.

Both are for admins and both are audited; the audit row says that an export
or an erasure happened, never what it contained.

What erasure keeps: a client to whom statements were issued keeps what Polish
accounting and tax law make the firm keep for those documents (ustawa o
rachunkowości art. 74 ust. 2, ustawa o VAT art. 112: five years from the end
of the year): the client's name, address and NIP as on the statements, the
statements, the contracts, and the billed jobs with their work entries. All
else (phones, e-mail, contact person, notes, needs assessments, calls, jobs
with nothing billed, callers' names and numbers, audit details) is removed. A
client with nothing issued leaves nothing: every row is deleted with SQLite's
``secure_delete`` on (freed space overwritten with zeros), the search index is
rebuilt, and the WAL is checkpointed and emptied. Imports whose process died
are cleaned up first (their staged rows and search entries may name the
person); a running import is left alone, and the erasure then says that a
detail is still stored (its staged rows) and to run it again afterwards.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from bbdispatch.domain.clients import Client, ClientKind
from bbdispatch.domain.contracts import ContractStatus
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.import_clients import drop_dead_imports
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import audit as audit_store
from bbdispatch.storage import backups as backups_store
from bbdispatch.storage import callbacks as callbacks_store
from bbdispatch.storage import calls as calls_store
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import inventory as inventory_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import privacy as store
from bbdispatch.storage import recurring as recurring_store
from bbdispatch.storage import work as work_store

LEGAL_BASIS = (
    "ustawa o rachunkowości art. 74 ust. 2; ustawa o VAT art. 112 "
    "(5 lat od końca roku, w którym wystawiono dokument)"
)
"""Why issued statements and what they show are kept (in Polish, as the law is cited)."""

WAL_WAIT_SECONDS = 3.0
"""How long an erasure keeps trying to empty the WAL while another program reads (seconds)."""


@dataclass(frozen=True)
class ErasureDone:
    """What an erasure did.

    Attributes:
        client_id: the client erased.
        kept_for_accounting: True when issued statements made the firm keep the
            client's name, address, NIP, statements, contracts and billed jobs.
        statements: how many issued statements were kept.
        leftovers: ``table.column`` still holding one of the person's details
            where nothing should (empty when the erasure is complete).
        wal_cleared: the WAL was emptied (False: another program kept reading
            for :data:`WAL_WAIT_SECONDS`; old page images stay in the ``-wal``
            file until every program using the database has closed it, or a
            later erasure empties it).
    """

    client_id: int
    kept_for_accounting: bool
    statements: int
    leftovers: tuple[str, ...]
    wal_cleared: bool


class ErasureRefused(DomainError):
    """The client may not be erased as it stands; the message says why and what to do.

    Attributes:
        company: the refusal is (also) that the client is a company, which an
            admin may override for a sole trader (a natural person; RODO applies).
    """

    def __init__(self, message: str, *, company: bool) -> None:
        super().__init__(message)
        self.company = company


async def _refuse_unless_erasable(ctx: Ctx, client: Client, *, sole_trader: bool) -> None:
    """Refuse to erase a company, or a client the firm still serves.

    RODO's right to erasure is a natural person's: a company's record is the
    firm's business record (unless it is a sole trader, whose firm is the
    person: ``sole_trader``). A running contract (prepaid hours) or an open job
    is work the firm owes or is doing; erasing it would lose what was paid for.

    Raises:
        ErasureRefused: with every reason that applies, in one message.
    """
    reasons: list[str] = []
    company = client.kind is ClientKind.COMPANY and not sole_trader
    if company:
        reasons.append(_("it is a company, and erasure (RODO art. 17) is for natural persons"))
    running = [
        c.number
        for c in await contract_store.contracts_of(ctx.db, client.id)
        if c.status is ContractStatus.ACTIVE
    ]
    if running:
        reasons.append(
            _("it has running contracts ({numbers}): close them first").format(
                numbers=", ".join(running)
            )
        )
    jobs = await job_store.job_rows_of_client(ctx.db, client.id, limit=1_000_000)
    open_jobs = [str(row.job.id) for row in jobs if row.job.status.is_open]
    if open_jobs:
        reasons.append(
            _("it has open jobs ({ids}): finish or cancel them first").format(
                ids=", ".join(open_jobs)
            )
        )
    if reasons:
        raise ErasureRefused(
            _("client {id} ({name}) is not erased: {reasons}").format(
                id=client.id, name=client.name, reasons="; ".join(reasons)
            ),
            company=company,
        )


@saves
async def erasure_subject(ctx: Ctx, client_id: int, *, sole_trader: bool = False) -> Client:
    """The client an erasure would remove, once it is known that it may (admins only).

    For the command line to show the person and ask for a confirmation before
    anything is erased; :func:`erase_client` checks the same again in its own
    transaction.

    Raises:
        NotAllowed: the acting person is not an admin.
        NotFound: no such client.
        ErasureRefused: a company (unless ``sole_trader``), or a client with a
            running contract or an open job.
    """
    async with ctx.db.transaction():
        await check(ctx, Action.PRIVACY, entity="client", entity_id=client_id)
        client = await _client(ctx, client_id)
        await _refuse_unless_erasable(ctx, client, sole_trader=sole_trader)
    return client


async def _client(ctx: Ctx, client_id: int) -> Client:
    found = await client_store.get_client(ctx.db, client_id)
    if found is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    return found


def _needles(client: Client) -> list[str]:
    """The person's details to look for in free text and audit details."""
    found = [client.name.strip(), client.email, client.contact_person]
    if client.nip:
        found.append(client.nip)
    for phone in client.phones:
        found += [phone.e164, phone.e164.removeprefix("+48")]
    return [n for n in found if n and len(n.strip()) >= 4]


@saves
async def export_client(ctx: Ctx, client_id: int) -> dict[str, Any]:
    """Everything held about a client, for handing to them (admins only; audited).

    Returns:
        JSON-ready data: ``about`` (what this is), ``client_id``, then the data
        table by table (client, phones, contracts, jobs, work entries, calls,
        statements, audit, …), each row with its stored columns.

    Raises:
        NotAllowed: the acting person is not an admin.
        NotFound: no such client.
    """
    async with ctx.db.transaction():
        await check(ctx, Action.PRIVACY, entity="client", entity_id=client_id)
        await _client(ctx, client_id)
        fp = await store.footprint(ctx.db, client_id)
        data = await store.export_data(ctx.db, fp)
        await audit.record(ctx, "client", client_id, "privacy_exported")
    return {
        "about": "Dane osobowe przetwarzane przez firmę (RODO art. 15) / "
        "Personal data held by the firm (GDPR art. 15)",
        "client_id": client_id,
        "generated_at": ctx.clock.now().isoformat(),
        **data,
    }


@saves
async def erase_client(ctx: Ctx, client_id: int, *, sole_trader: bool = False) -> ErasureDone:
    """Erase a client's personal data everywhere, keeping only what the law requires.

    Only a private person (or a company an admin says is a sole trader:
    ``sole_trader``) whom the firm no longer serves: no running contract, no
    open job.

    Raises:
        NotAllowed: the acting person is not an admin.
        NotFound: no such client.
        ErasureRefused: a company, or a client with a running contract or an
            open job (nothing is erased).
    """
    async with ctx.db.transaction():
        await check(ctx, Action.PRIVACY, entity="client", entity_id=client_id)
        await _refuse_unless_erasable(ctx, await _client(ctx, client_id), sole_trader=sole_trader)
        await store.secure_delete_on(ctx.db)  # for this connection's every delete from now on
    # A killed import's staged rows and search entries may hold the person too.
    await drop_dead_imports(ctx)
    async with ctx.db.transaction():
        client = await _client(ctx, client_id)
        await _refuse_unless_erasable(ctx, client, sole_trader=sole_trader)
        needles = _needles(client)
        shared = {n for n in needles if await store.held_for_others(ctx.db, client_id, n)}
        fp = await store.footprint(ctx.db, client_id)
        keep = bool(fp.statement_ids)
        if keep:
            await _erase_keeping_issued(ctx, fp)
        else:
            await _erase_everything(ctx, fp)
        await _clear_audit(ctx, fp, needles, keep_issued=keep)
        await client_store.rebuild_search_index(ctx.db)
        await audit.record(ctx, "client", client_id, "privacy_erased")
        must_go = [
            n for n in needles if n not in shared and (not keep or _not_on_statements(n, client))
        ]
        leftovers: list[str] = []
        for needle in must_go:
            for where in await store.text_columns_containing(ctx.db, needle):
                if where not in leftovers:
                    leftovers.append(where)
    wal_cleared = await _empty_wal(ctx)
    return ErasureDone(client_id, keep, len(fp.statement_ids), tuple(leftovers), wal_cleared)


async def _empty_wal(ctx: Ctx) -> bool:
    """Checkpoint and empty the WAL, trying again while another program's read lasts.

    A read in progress elsewhere (a screen's reload, a report) keeps the WAL's
    old frames, which may hold the erased data, and a later PASSIVE checkpoint
    or commit does not overwrite them: only a TRUNCATE checkpoint, or the last
    program closing the database, does. Short reads end within the wait.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAL_WAIT_SECONDS
    while not await store.checkpoint_truncate(ctx.db):
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.1)
    return True


def _not_on_statements(needle: str, client: Client) -> bool:
    """Details a kept client may still show: the name and NIP of its statements."""
    return needle not in (client.name.strip(), client.nip) and not re.fullmatch(r"\d{10}", needle)


async def _erase_everything(ctx: Ctx, fp: store.Footprint) -> None:
    """Delete every row of a client with nothing issued, children first."""
    db, jobs = ctx.db, fp.job_ids
    await callbacks_store.delete_callbacks_of(db, fp.client_id, fp.call_ids, fp.phones)
    await calls_store.delete_calls(db, fp.call_ids)
    await calls_store.detach_calls_from_jobs(db, jobs)
    await inventory_store.delete_inventories(db, fp.client_id, jobs)
    await backups_store.delete_backup_checks(db, jobs)
    await recurring_store.delete_run_logs(db, jobs)
    await work_store.delete_entries_of_jobs(db, jobs)
    await job_store.delete_jobs(db, jobs)
    await work_store.delete_charges_of_contracts(db, fp.contract_ids)
    await recurring_store.delete_tasks_of_contracts(db, fp.contract_ids)
    await contract_store.delete_contracts(db, fp.contract_ids)
    await contract_store.delete_assessments(db, fp.client_id)
    await client_store.delete_client(db, fp.client_id)


async def _erase_keeping_issued(ctx: Ctx, fp: store.Footprint) -> None:
    """Anonymise a client with issued statements, keeping what they show.

    Kept: name, address and NIP, the statements, the contracts (with their
    assessment rows, emptied), and the billed jobs with their work entries.
    Removed: phones, e-mail, contact person, notes, calls, callbacks, jobs with nothing
    billed, and the callers' names, numbers and notes of the billed jobs.
    """
    db = ctx.db
    billed = set(fp.billed_job_ids)
    unbilled = [j for j in fp.job_ids if j not in billed]
    await callbacks_store.delete_callbacks_of(db, fp.client_id, fp.call_ids, fp.phones)
    await calls_store.delete_calls(db, fp.call_ids)
    await calls_store.detach_calls_from_jobs(db, fp.job_ids)
    await inventory_store.detach_inventories_from_jobs(db, unbilled)
    await backups_store.delete_backup_checks(db, unbilled)
    await recurring_store.delete_run_logs(db, unbilled)
    await work_store.delete_entries_of_jobs(db, unbilled)
    await job_store.delete_jobs(db, unbilled)
    await job_store.anonymise_jobs(db, sorted(billed), store.ERASED)
    await contract_store.blank_assessments(db, fp.client_id, store.ERASED)
    await client_store.strip_client(db, fp.client_id)


async def _clear_audit(
    ctx: Ctx, fp: store.Footprint, needles: list[str], *, keep_issued: bool
) -> None:
    """Empty the details of audit rows about the client or quoting its details.

    The rows about the client are those the export hands over
    (:meth:`Footprint.audit_subjects`): its jobs, contracts, calls, callbacks,
    work entries, recurring tasks and statements (issued ones keep theirs
    when ``keep_issued``).
    """
    for entity, ids in fp.audit_subjects():
        await audit_store.clear_details(ctx.db, entity, ids, keep_issued=keep_issued)
    for needle in needles:
        await audit_store.clear_details_quoting(ctx.db, needle, keep_issued=keep_issued)
