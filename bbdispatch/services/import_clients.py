"""Loading a firm's existing client list from a spreadsheet export (CSV).

All or nothing: every row is checked first, a bad row is reported with its
line number, and the whole file goes in one transaction. A re-import skips
clients that are already there (same NIP, else same name and phone), so
running it twice is harmless.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bbdispatch.domain.clients import ClientKind, ClientStatus, NewClient
from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _
from bbdispatch.phones import InvalidPhoneNumber, parse_phone
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import IntakeFieldError, validate_new_prospect
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import intake as store

COLUMNS = (
    "name", "kind", "nip", "phone", "email", "street", "city", "postal_code", "contact_person",
)  # fmt: skip
"""The columns a client file has, in any order; only ``name`` is required."""

_KINDS = {
    "company": ClientKind.COMPANY, "firma": ClientKind.COMPANY, "": ClientKind.COMPANY,
    "private": ClientKind.PRIVATE, "prywatna": ClientKind.PRIVATE, "osoba": ClientKind.PRIVATE,
}  # fmt: skip


class ImportFileError(DomainError):
    """The file cannot be imported; the message names the line and the problem."""


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
    """Check a whole client file; comma or semicolon delimited, with a header row.

    Raises:
        ImportFileError: unknown or missing columns, or the first bad row with its line.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportFileError(_("The file is empty."))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    except csv.Error as err:
        raise ImportFileError(_("Line 1: {err}").format(err=err)) from err
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise ImportFileError(
            _("Line 1: column(s) {cols} appear twice.").format(cols=", ".join(twice))
        )
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Line 1: unknown column(s) {cols}; expected {known}.").format(
                cols=", ".join(unknown), known=", ".join(COLUMNS)
            )
        )
    if "name" not in header:
        raise ImportFileError(_("Line 1: the column 'name' is missing."))
    reader.fieldnames = header
    rows: list[ImportedRow] = []
    seen_nips: dict[str, int] = {}
    records = iter(reader)
    while True:
        starts = reader.line_num + 1
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as err:  # an unclosed quote, a field past the size limit
            raise ImportFileError(_("Line {n}: {err}").format(n=starts, err=err)) from err
        line = reader.line_num
        if not any((v or "").strip() for k, v in record.items() if k is not None):
            continue
        if None in record:
            raise ImportFileError(_("Line {n}: more fields than columns.").format(n=line))
        client = _row_client(record, line)
        if client.nip and client.nip in seen_nips:
            raise ImportFileError(
                _("Line {n}: NIP {nip} is also on line {m}.").format(
                    n=line, nip=client.nip, m=seen_nips[client.nip]
                )
            )
        if client.nip:
            seen_nips[client.nip] = line
        rows.append(ImportedRow(line, client))
    return rows


def _row_client(record: dict[str | None, str | None], line: int) -> NewClient:
    def value(key: str) -> str:
        return (record.get(key) or "").strip()

    kind_text = value("kind").lower()
    if kind_text not in _KINDS:
        raise ImportFileError(
            _("Line {n}: kind must be company or private, not {k!r}.").format(n=line, k=kind_text)
        )
    phones: tuple[tuple[str, str], ...] = ()
    if value("phone"):
        try:
            phones = ((parse_phone(value("phone")), ""),)
        except InvalidPhoneNumber as err:
            raise ImportFileError(_("Line {n}: {err}").format(n=line, err=err)) from err
    new = NewClient(
        kind=_KINDS[kind_text], name=value("name"), nip=value("nip") or None,
        street=value("street"), city=value("city"), postal_code=value("postal_code"),
        email=value("email"), contact_person=value("contact_person"), phones=phones,
        status=ClientStatus.PROSPECT,
    )  # fmt: skip
    try:
        return validate_new_prospect(new)
    except IntakeFieldError as err:
        raise ImportFileError(_("Line {n}: {err}").format(n=line, err=err)) from err


async def import_clients(ctx: Ctx, rows: list[ImportedRow]) -> ImportSummary:
    """Add the clients not yet in the database, all in one transaction, audited."""
    added = skipped = 0
    async with ctx.db.transaction():
        for row in rows:
            if await _existing(ctx, row.client):
                skipped += 1
                continue
            client_id = await client_store.insert_client(ctx.db, row.client, ctx.now_db())
            await audit.record(
                ctx, "client", client_id, "imported", name=row.client.name, line=row.line
            )
            added += 1
    return ImportSummary(added, skipped)


async def _existing(ctx: Ctx, new: NewClient) -> bool:
    if new.nip:
        return await client_store.client_by_nip(ctx.db, new.nip) is not None
    if new.phones:
        found = await store.client_id_by_name_and_phone(ctx.db, new.name, new.phones[0][0])
    else:
        found = await store.client_id_by_name_without_phone(ctx.db, new.name)
    return found is not None


async def import_client_file(ctx: Ctx, text: str) -> ImportSummary:
    """Check and import a client file's text.

    Raises:
        ImportFileError: the file has a bad row (nothing is imported).
    """
    return await import_clients(ctx, parse_client_csv(text))
