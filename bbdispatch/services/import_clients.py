"""Loading a firm's existing client list from a spreadsheet export (CSV).

All or nothing: every row is checked first, a bad row is reported with its
line number, and the whole file goes in one transaction. A re-import skips
clients that are already there (same NIP, else same name and phone), so
running it twice is harmless.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from bbdispatch.clock import local
from bbdispatch.domain.clients import ClientKind, ClientStatus, NewClient
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.phones import InvalidPhoneNumber, parse_phone
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import new_prospect_problems, validate_new_prospect
from bbdispatch.services.rights import check
from bbdispatch.services.spreadsheet import (
    ImportFileError,
    RowProblem,
    SheetRow,
    alias_map,
    fold,
    read_sheet,
)
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import imports as import_store
from bbdispatch.storage.database import Database
from bbdispatch.storage.imports import BatchState, StagedClient

COLUMNS = (
    "name", "kind", "nip", "phone", "email", "street", "city", "postal_code", "contact_person",
)  # fmt: skip
"""The columns a client file has, in any order; only ``name`` is required."""

ALIASES = alias_map(
    {
        "name": ("nazwa", "nazwa klienta", "klient", "imie i nazwisko", "nazwa firmy"),
        "kind": ("rodzaj", "typ", "rodzaj klienta"),
        "nip": ("nip klienta",),
        "phone": ("telefon", "tel", "tel.", "numer telefonu", "komorka"),
        "email": ("e-mail", "mail", "adres e-mail"),
        "street": ("ulica", "adres", "ulica i numer"),
        "city": ("miasto", "miejscowosc"),
        "postal_code": ("kod pocztowy", "kod", "postal code"),
        "contact_person": ("osoba kontaktowa", "kontakt", "contact"),
    }
)
"""English and Polish headers a client file may use."""

_KINDS = {
    "company": ClientKind.COMPANY, "firma": ClientKind.COMPANY, "": ClientKind.COMPANY,
    "private": ClientKind.PRIVATE, "prywatna": ClientKind.PRIVATE, "osoba": ClientKind.PRIVATE,
    "osoba prywatna": ClientKind.PRIVATE, "osoba fizyczna": ClientKind.PRIVATE,
    "prywatny": ClientKind.PRIVATE, "private person": ClientKind.PRIVATE,
}  # fmt: skip


@dataclass(frozen=True)
class ImportedRow:
    """One checked row of the file."""

    line: int
    client: NewClient


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    added: int
    skipped: int
    """Rows whose client was already in the database."""


def parse_client_csv(text: str) -> list[ImportedRow]:
    """Check a whole client file: comma or semicolon, English or Polish headers.

    Raises:
        ImportFileError: unknown or missing columns, or every bad row with its
            line and column.
    """
    sheet = read_sheet(text, ALIASES, required=("name",))
    rows: list[ImportedRow] = []
    problems: list[RowProblem] = []
    seen_nips: dict[str, int] = {}
    for record in sheet.rows:
        try:
            client = _row_client(record)
        except ImportFileError as err:
            problems.extend(err.problems)
            continue
        if client.nip and client.nip in seen_nips:
            problems.append(
                RowProblem(
                    record.line,
                    "nip",
                    _("NIP {nip} is also on line {m}.").format(
                        nip=client.nip, m=seen_nips[client.nip]
                    ),
                )
            )
            continue
        if client.nip:
            seen_nips[client.nip] = record.line
        rows.append(ImportedRow(record.line, client))
    if problems:
        raise ImportFileError(problems)
    return rows


def _row_client(record: SheetRow) -> NewClient:
    line = record.line
    problems: list[RowProblem] = []
    kind_text = fold(record.get("kind"))
    if kind_text not in _KINDS:
        problems.append(
            RowProblem(
                line,
                "kind",
                _("must be company/firma or private/osoba prywatna, not {k!r}.").format(
                    k=record.get("kind")
                ),
            )
        )
    phones: tuple[tuple[str, str], ...] = ()
    if record.get("phone"):
        try:
            phones = ((parse_phone(record.get("phone")), ""),)
        except InvalidPhoneNumber as err:
            problems.append(RowProblem(line, "phone", str(err)))
    new = NewClient(
        kind=_KINDS.get(kind_text, ClientKind.COMPANY), name=record.get("name"),
        nip=record.get("nip") or None, street=record.get("street"), city=record.get("city"),
        postal_code=record.get("postal_code"), email=record.get("email"),
        contact_person=record.get("contact_person"), phones=phones,
        status=ClientStatus.PROSPECT,
    )  # fmt: skip
    for field_err in new_prospect_problems(new):
        problems.append(
            RowProblem(line, _FIELD_COLUMNS.get(field_err.field, field_err.field), str(field_err))
        )
    if problems:
        raise ImportFileError(problems)
    return validate_new_prospect(new)


_FIELD_COLUMNS = {"phones": "phone", "phone": "phone"}
"""The intake form's field names where they differ from the file's columns."""


CHUNK_ROWS = 200
"""Rows per write transaction: tens of milliseconds, so nobody waits long for the lock."""
CHUNK_PAUSE_SECONDS = 0.02
"""Breath between two chunks, in which a ``ring``, a timer or a save takes the lock."""
STALE_STAGING = timedelta(minutes=10)
"""A batch still staging after this long belongs to an import that died."""


@dataclass(frozen=True)
class Interrupted:
    """An import killed after its commit point: part of its clients are in, the rest wait.

    Attributes:
        batch_id: the staged batch.
        source: the file's name.
        started: when that import started (aware, UTC).
        added: clients it added before it stopped.
        left: rows still waiting to be added.
    """

    batch_id: int
    source: str
    started: datetime
    added: int
    left: int

    def describe(self) -> str:
        """One line: which import, when, how far it got, and the two ways on."""
        return _(
            "an earlier import of {f} ({at}) was interrupted: {a} clients added, {n} not yet; "
            "the next import stops until you choose: --finish-interrupted adds the {n}, "
            "--drop-interrupted leaves them out (the {a} stay)"
        ).format(
            f=self.source or "?",
            at=local(self.started).strftime("%Y-%m-%d %H:%M"),
            a=self.added,
            n=self.left,
        )


class InterruptedImport(DomainError):
    """An import was asked for while an interrupted one waits for a decision."""

    def __init__(self, interrupted: list[Interrupted]) -> None:
        super().__init__("\n".join(i.describe() for i in interrupted))
        self.interrupted = interrupted


async def interrupted_imports(db: Database) -> list[Interrupted]:
    """Imports that passed their commit point and did not finish (a killed process).

    Takes the database alone, so ``doctor`` (which opens it without a price
    list) can ask too.
    """
    found: list[Interrupted] = []
    for batch in await import_store.unfinished_batches(db):
        if batch.state is BatchState.READY:
            left = await import_store.rows_left(db, batch.id)
            found.append(Interrupted(batch.id, batch.source, batch.created_at, batch.added, left))
    return found


async def drop_interrupted(ctx: Ctx) -> list[Interrupted]:
    """Leave out the rows interrupted imports had not added (those added stay); audited."""
    dropped = await interrupted_imports(ctx.db)
    for item in dropped:
        async with ctx.db.transaction():
            await import_store.discard_batch(ctx.db, item.batch_id)
            await audit.record(
                ctx, "import", item.batch_id, "clients_dropped", rows=item.left, file=item.source
            )
    return dropped


async def import_clients(
    ctx: Ctx,
    rows: list[ImportedRow],
    *,
    source: str = "",
    chunk: int = CHUNK_ROWS,
    pause: float = CHUNK_PAUSE_SECONDS,
    interrupted: str = "",
) -> ImportSummary:
    """Add the clients not yet in the database: all of them or none, in short transactions.

    The rows are staged in chunks (invisible), the batch is marked ready in one
    short transaction (from then on the import is committed), and the rows
    move into the client table chunk by chunk; an import that dies after the
    commit point waits until the next one is told to finish or drop it. Each
    client gets an audit row naming the batch and line, not the person.

    Args:
        ctx: the service context.
        rows: the checked rows of the file.
        source: the file's name, for the audit.
        chunk: rows per transaction.
        pause: seconds between transactions, for other writers.
        interrupted: what to do with an interrupted earlier import: ``"finish"``
            (add its other rows first), ``"drop"`` (leave them out), or ``""``.

    Raises:
        InterruptedImport: an earlier import was interrupted and ``interrupted``
            is ``""``: nothing is done until someone decides.
    """
    await check(ctx, Action.CLIENT_IMPORT)
    if interrupted == "drop":
        await drop_interrupted(ctx)
    elif interrupted != "finish":
        waiting = await interrupted_imports(ctx.db)
        if waiting:
            raise InterruptedImport(waiting)
    await finish_imports(ctx, pause=pause)
    async with ctx.db.transaction():
        batch_id = await import_store.create_batch(ctx.db, source, ctx.actor, ctx.clock.now())
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        async with ctx.db.transaction():
            await import_store.stage_clients(
                ctx.db, batch_id, [StagedClient(r.line, r.client) for r in part]
            )
        await asyncio.sleep(pause)
    async with ctx.db.transaction():
        await import_store.set_state(ctx.db, batch_id, BatchState.READY)
        await audit.record(ctx, "import", batch_id, "clients_staged", rows=len(rows), file=source)
    return await _move(ctx, batch_id, chunk=chunk, pause=pause)


async def finish_imports(ctx: Ctx, *, pause: float = CHUNK_PAUSE_SECONDS) -> list[ImportSummary]:
    """Finish imports that passed their commit point; drop those that died staging."""
    done: list[ImportSummary] = []
    stale = ctx.clock.now() - STALE_STAGING
    for batch in await import_store.unfinished_batches(ctx.db):
        if batch.state is BatchState.READY:
            done.append(await _move(ctx, batch.id, chunk=CHUNK_ROWS, pause=pause))
        elif batch.created_at < stale:
            async with ctx.db.transaction():
                await import_store.discard_batch(ctx.db, batch.id)
    return done


async def _move(ctx: Ctx, batch_id: int, *, chunk: int, pause: float) -> ImportSummary:
    while True:
        async with ctx.db.transaction():
            part = await import_store.next_clients(ctx.db, batch_id, chunk)
            added = skipped = 0
            for row in part:
                if await _existing(ctx, row.client):
                    skipped += 1
                    continue
                client_id = await client_store.insert_client(ctx.db, row.client, ctx.clock.now())
                await audit.record(
                    ctx, "client", client_id, "imported", batch=batch_id, line=row.line
                )
                added += 1
            await import_store.drop_rows(ctx.db, batch_id, [row.line for row in part])
            await import_store.count_moved(ctx.db, batch_id, added, skipped)
            if not part:
                await import_store.set_state(ctx.db, batch_id, BatchState.DONE)
                batch = await import_store.get_batch(ctx.db, batch_id)
                assert batch is not None
                return ImportSummary(batch.added, batch.skipped)
        await asyncio.sleep(pause)


async def _existing(ctx: Ctx, new: NewClient) -> bool:
    if new.nip:
        return await client_store.client_by_nip(ctx.db, new.nip) is not None
    if new.phones:
        found = await client_store.client_id_by_name_and_phone(ctx.db, new.name, new.phones[0][0])
    else:
        found = await client_store.client_id_by_name_without_phone(ctx.db, new.name)
    return found is not None


async def import_client_file(ctx: Ctx, text: str) -> ImportSummary:
    """Check and import a client file's text.

    Raises:
        ImportFileError: the file has a bad row (nothing is imported).
    """
    await check(ctx, Action.CLIENT_IMPORT)
    return await import_clients(ctx, parse_client_csv(text))
