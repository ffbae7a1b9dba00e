"""Loading a firm's existing client list from a spreadsheet export (CSV).

All or nothing: every row is checked first, a bad row is reported with its
line number, and the whole file becomes visible in one transaction (staged
in short ones before, so other writers get in meanwhile). A re-import skips
clients that are already there (same NIP, else the same name, case, accents
and spacing ignored), so
running it twice is harmless.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bbdispatch.clock import local
from bbdispatch.domain.clients import ClientKind, ClientStatus, NewClient, search_key
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_datetime
from bbdispatch.i18n import _, ngettext
from bbdispatch.phones import InvalidPhoneNumber, parse_phone
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import new_prospect_problems, validate_new_prospect
from bbdispatch.services.rights import check
from bbdispatch.services.spreadsheet import (
    Checked,
    ImportFileError,
    RowProblem,
    SheetRow,
    alias_map,
    as_written,
    fold,
    headers_of,
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

POLISH_NAMES = {
    "name": "Nazwa", "kind": "Rodzaj", "nip": "NIP", "phone": "Telefon", "email": "E-mail",
    "street": "Ulica", "city": "Miejscowość", "postal_code": "Kod pocztowy",
    "contact_person": "Osoba kontaktowa",
}  # fmt: skip
"""Each column's Polish header, for problems of a file with Polish headers."""

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


@dataclass(frozen=True)
class ClientsFile:
    """A client file read in one pass: its good rows and every problem of its own.

    The database part (:func:`database_conflicts`) is checked for the good
    rows, so one ``--check`` lists both kinds of problem.
    """

    rows: Checked[ImportedRow]
    """The rows with no problem of their own, remembering the file's headers."""
    problems: list[RowProblem]
    """Problems found in the file alone (canonical column names)."""

    def error(self, more: Iterable[RowProblem] = ()) -> ImportFileError:
        """Every problem, these and ``more`` (named already), by the file's headers, by line."""
        mine = as_written(self.problems, self.rows.written)
        return ImportFileError(sorted([*mine, *more], key=lambda p: p.line))


def read_clients(source: str | Iterable[str]) -> ClientsFile:
    """Read a whole client file: comma or semicolon, English or Polish headers.

    Rows that cannot be split and bad cells are collected, not raised, so the
    good rows can still be checked against the database.

    Raises:
        ImportFileError: the file is empty, or its header has unknown or
            missing columns.
    """
    sheet = read_sheet(source, ALIASES, required=("name",), polish_names=POLISH_NAMES)
    rows: list[ImportedRow] = []
    problems: list[RowProblem] = list(sheet.problems)
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
    return ClientsFile(Checked(rows, sheet.written), problems)


def parse_client_csv(source: str | Iterable[str]) -> list[ImportedRow]:
    """Check a whole client file (no database).

    Raises:
        ImportFileError: unknown or missing columns, or every bad row with its
            line and column.
    """
    found = read_clients(source)
    if found.problems:
        raise found.error()
    return found.rows


def _row_client(record: SheetRow) -> NewClient:
    line = record.line
    problems: list[RowProblem] = []
    kind_text = fold(record.get("kind"))
    if kind_text not in _KINDS:
        problems.append(
            RowProblem(
                line,
                "kind",
                _("must be company/firma or private/osoba prywatna, not '{k}'.").format(
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
        added = ngettext("{a} client added", "{a} clients added", self.added)
        left = ngettext("{n} not yet", "{n} not yet", self.left)
        return _(
            "an earlier import of {f} ({at}) was interrupted: {added}, {left}; "
            "the next import stops until you choose: --finish-interrupted adds the rest, "
            "--drop-interrupted leaves them out (those added stay)"
        ).format(
            f=self.source or "?",
            at=format_datetime(local(self.started)),
            added=added.format(a=self.added),
            left=left.format(n=self.left),
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
            await client_store.unindex_unpublished(ctx.db, item.batch_id)
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

    Rows already in the database (or earlier in the file) are left out first
    (reads only). The others are staged in chunks, each row with the client id
    it will take, invisible to everyone; one short transaction then publishes
    them all (:func:`bbdispatch.storage.clients.publish_staged`), so the
    board, lookup and ring matching see the whole file or nothing of it, and a
    ``ring`` waits at most one chunk or the publish. An import killed before
    the publish leaves nothing (its staged rows are dropped later). Each
    client gets an audit row naming the batch and line, not the person.

    Args:
        ctx: the service context.
        rows: the checked rows of the file.
        source: the file's name, for the audit.
        chunk: rows per staging transaction.
        pause: seconds between transactions, for other writers.
        interrupted: what to do with an import an older version left half-way:
            ``"finish"`` (add its other rows first), ``"drop"`` (leave them
            out), or ``""``.

    Raises:
        InterruptedImport: such an import waits and ``interrupted`` is ``""``:
            nothing is done until someone decides.
        ImportFileError: a row's NIP belongs to a client of another name
            (:func:`database_conflicts`); nothing is written.
    """
    await check(ctx, Action.CLIENT_IMPORT)
    if interrupted == "drop":
        await drop_interrupted(ctx)
    elif interrupted != "finish":
        waiting = await interrupted_imports(ctx.db)
        if waiting:
            raise InterruptedImport(waiting)
    await finish_imports(ctx, pause=pause)
    conflicts = await database_conflicts(ctx, rows)
    if conflicts:
        raise ImportFileError(conflicts)
    new = await _not_yet_there(ctx, rows)
    async with ctx.db.transaction():
        batch_id = await import_store.create_batch(ctx.db, source, ctx.actor, ctx.clock.now())
        first_id = await client_store.reserve_client_ids(ctx.db, len(new)) if new else 0
    for start in range(0, len(new), chunk):
        part = new[start : start + chunk]
        async with ctx.db.transaction():
            await import_store.stage_clients(
                ctx.db,
                batch_id,
                [StagedClient(r.line, r.client, first_id + start + n) for n, r in enumerate(part)],
            )
            await client_store.index_staged(
                ctx.db, batch_id, first_id + start, first_id + start + len(part) - 1
            )
        await asyncio.sleep(pause)
    async with ctx.db.transaction():
        published = await client_store.publish_staged(ctx.db, batch_id, ctx.clock.now())
        skipped = len(rows) - len(published)
        await import_store.count_moved(ctx.db, batch_id, len(published), skipped)
        await import_store.set_state(ctx.db, batch_id, BatchState.DONE)
        await audit.record(
            ctx, "import", batch_id, "clients_imported", rows=len(rows), added=len(published),
            file=source,
        )  # fmt: skip
    await _clear(ctx, batch_id, chunk=chunk, pause=pause)
    return ImportSummary(len(published), skipped)


async def _not_yet_there(ctx: Ctx, rows: list[ImportedRow]) -> list[ImportedRow]:
    """The rows whose client is neither in the database nor earlier in the file.

    The same test as :func:`_existing` (the NIP, else the normalized name:
    :func:`name_key`), against the file's earlier rows too. Reads only; the
    import and its ``--check`` both count with it, so they agree.
    """
    seen: set[tuple[str, str]] = set()
    kept: list[ImportedRow] = []
    for row in rows:
        new = row.client
        key = ("nip", new.nip) if new.nip else ("name", name_key(new.name))
        if key in seen or await _existing(ctx, new):
            continue
        kept.append(row)
        seen.add(key)
    return kept


def name_key(name: str) -> str:
    """A client name as matched without a NIP: case, accents and spacing ignored."""
    return search_key(" ".join(name.split()))


async def check_clients(ctx: Ctx, rows: list[ImportedRow]) -> ImportSummary:
    """What :func:`import_clients` would do with these rows, writing nothing.

    Raises:
        NotAllowed: the acting person may not import clients.
        ImportFileError: a row's NIP belongs to a client of another name.
    """
    await check(ctx, Action.CLIENT_IMPORT)
    conflicts = await database_conflicts(ctx, rows)
    if conflicts:
        raise ImportFileError(conflicts)
    new = await _not_yet_there(ctx, rows)
    return ImportSummary(len(new), len(rows) - len(new))


async def _clear(ctx: Ctx, batch_id: int, *, chunk: int, pause: float) -> None:
    """Audit a published batch's clients and forget its staged rows, a chunk per transaction.

    Kept out of the publish, which holds the write lock: each client's audit
    row (batch and line, not the person) is written with the removal of its
    staged row, so one killed meanwhile is finished by :func:`finish_imports`
    and no row is audited twice. Rows left out at the publish are just dropped.
    """
    while True:
        async with ctx.db.transaction():
            published = await client_store.published_staged(ctx.db, batch_id, chunk)
            if published:
                await audit.record_many(
                    ctx,
                    "client",
                    "imported",
                    [(row.client_id, {"batch": batch_id, "line": row.line}) for row in published],
                )
                await import_store.drop_rows(ctx.db, batch_id, [row.line for row in published])
                gone = len(published)
            else:
                gone = await import_store.clear_rows(ctx.db, batch_id, chunk)
        if not gone:
            return
        await asyncio.sleep(pause)


async def finish_imports(ctx: Ctx, *, pause: float = CHUNK_PAUSE_SECONDS) -> list[ImportSummary]:
    """Finish imports an older version left half-way; drop those that died staging.

    Also clears the staged rows of a published import killed while clearing them.
    """
    done: list[ImportSummary] = []
    stale = ctx.clock.now() - STALE_STAGING
    for batch in await import_store.unfinished_batches(ctx.db):
        if batch.state is BatchState.READY:
            done.append(await _move(ctx, batch.id, chunk=CHUNK_ROWS, pause=pause))
        elif batch.created_at < stale:
            async with ctx.db.transaction():
                await client_store.unindex_unpublished(ctx.db, batch.id)
                await import_store.discard_batch(ctx.db, batch.id)
    for batch_id in await import_store.done_batches_with_rows(ctx.db):
        await _clear(ctx, batch_id, chunk=CHUNK_ROWS, pause=pause)
    return done


async def _move(ctx: Ctx, batch_id: int, *, chunk: int, pause: float) -> ImportSummary:
    """Move an older version's committed batch into the client table, chunk by chunk."""
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


async def database_conflicts(ctx: Ctx, rows: list[ImportedRow]) -> list[RowProblem]:
    """Rows whose NIP already belongs to a client of another name in the database.

    Such a row is neither new nor the same client: skipping it would hide a
    typo in the NIP or the name, so it is a bad row (column ``nip``), named as
    the file writes the column.
    """
    problems: list[RowProblem] = []
    for row in rows:
        if not row.client.nip:
            continue
        found = await client_store.client_by_nip(ctx.db, row.client.nip)
        if found is not None and fold(found.name) != fold(row.client.name):
            problems.append(
                RowProblem(
                    row.line,
                    "nip",
                    _(
                        "NIP {nip} belongs to '{name}' (client {id}) in the database, "
                        "not to '{row}'; correct the NIP or the name."
                    ).format(nip=row.client.nip, name=found.name, id=found.id, row=row.client.name),
                )
            )
    return as_written(problems, headers_of(rows))


async def _existing(ctx: Ctx, new: NewClient) -> bool:
    """Whether the client is in the database: the same NIP, else the same normalized name.

    A client without a NIP is known by its name alone: a re-import whose row
    has another phone (or none) is the same client, not a second one.
    """
    if new.nip:
        return await client_store.client_by_nip(ctx.db, new.nip) is not None
    return bool(await client_store.client_ids_by_name(ctx.db, name_key(new.name)))


async def import_client_file(ctx: Ctx, text: str) -> ImportSummary:
    """Check and import a client file's text.

    Raises:
        ImportFileError: the file has a bad row (nothing is imported).
    """
    await check(ctx, Action.CLIENT_IMPORT)
    return await import_clients(ctx, parse_client_csv(text))
