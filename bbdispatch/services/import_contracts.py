"""Bringing over contracts that already run: with the hours used before bbdispatch.

A firm adopting bbdispatch has blocks of hours partly used and IT
administration contracts with agreed monthly fees. Each row names the client
(by NIP, id or name), the product from the price list, the firm's contract
number, the start (and end), and for a block the hours already used: that is
the contract's **opening balance**, counted as used in every balance and shown
as such on statements and in the ledger. For IT administration the row gives
the monthly fee. All or nothing per file; ``--check`` reports every bad row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from bbdispatch.domain.clients import ClientStatus
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.pricelist import PriceList, Product, ProductType
from bbdispatch.services import audit, rights
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import next_contract_number
from bbdispatch.services.spreadsheet import (
    ImportFileError,
    RowProblem,
    SheetRow,
    alias_map,
    fold,
    read_sheet,
)
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as store
from bbdispatch.taxid import InvalidNip, parse_nip

COLUMNS = ("client", "product", "number", "start", "end", "hours_used", "monthly_fee")
"""The columns of a contracts file; ``client``, ``product`` and ``start`` are required."""

ALIASES = alias_map(
    {
        "client": ("klient", "nip", "nip klienta", "client id"),
        "product": ("produkt", "umowa", "rodzaj umowy", "code"),
        "number": ("numer", "numer umowy", "nr umowy", "nr"),
        "start": ("poczatek", "od", "data rozpoczecia", "starts on", "data od"),
        "end": ("koniec", "do", "data zakonczenia", "ends on", "data do"),
        "hours_used": (
            "godziny wykorzystane", "wykorzystane godziny", "wykorzystano", "zuzyte godziny",
            "hours already used",
        ),
        "monthly_fee": ("oplata miesieczna", "abonament", "abonament netto", "fee"),
    }
)  # fmt: skip
"""English and Polish headers a contracts file may use."""


@dataclass(frozen=True)
class ContractRow:
    """One checked row of a contracts file (the client not yet looked up)."""

    line: int
    client: str
    """NIP, id or name as written in the file."""
    product: Product
    number: str
    """The firm's contract number; "" to number it the bbdispatch way."""
    starts_on: date
    ends_on: date | None
    opening_used_minutes: int
    monthly_fee: Decimal | None


@dataclass(frozen=True)
class ContractsSummary:
    """What a contracts import did (or, with ``check``, would do)."""

    added: int
    opening_hours: Decimal
    """Hours of opening balance brought over, all blocks together."""


def parse_day(text: str) -> date | None:
    """``2026-03-01`` or the Polish ``01.03.2026``; None when neither."""
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), form).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return None


def parse_amount(text: str) -> Decimal | None:
    """``12,5`` / ``12.5`` / ``1 200,00`` as a Decimal; None when not a number."""
    cleaned = re.sub(r"[\s\u00a0]|zł|zl|pln|h", "", text.strip().lower()).replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _product(prices: PriceList, text: str) -> Product | None:
    wanted = fold(text)
    for product in prices.products:
        if wanted in (fold(product.code), fold(product.name), fold(product.name_en)):
            return product
    return None


def parse_contracts_csv(text: str, prices: PriceList) -> list[ContractRow]:
    """Check a whole contracts file (everything but the clients, which need the database).

    Raises:
        ImportFileError: every bad row, by line and column.
    """
    sheet = read_sheet(text, ALIASES, required=("client", "product", "start"))
    problems: list[RowProblem] = []
    rows: list[ContractRow] = []
    numbers: dict[str, int] = {}
    for r in sheet.rows:
        bad = _row_problems(r, prices, numbers)
        if bad:
            problems.extend(bad)
            continue
        product = _product(prices, r.get("product"))
        assert product is not None  # checked above
        hours = parse_amount(r.get("hours_used")) if r.get("hours_used") else Decimal(0)
        fee = parse_amount(r.get("monthly_fee")) if r.get("monthly_fee") else None
        start = parse_day(r.get("start"))
        assert start is not None
        assert hours is not None
        if r.get("number"):
            numbers[r.get("number")] = r.line
        rows.append(
            ContractRow(
                line=r.line, client=r.get("client"), product=product, number=r.get("number"),
                starts_on=start, ends_on=parse_day(r.get("end")) if r.get("end") else None,
                opening_used_minutes=int((hours * 60).to_integral_value()), monthly_fee=fee,
            )
        )  # fmt: skip
    if problems:
        raise ImportFileError(problems)
    return rows


def _row_problems(r: SheetRow, prices: PriceList, numbers: dict[str, int]) -> list[RowProblem]:
    bad: list[RowProblem] = []

    def problem(column: str, message: str) -> None:
        bad.append(RowProblem(r.line, column, message))

    if not r.get("client"):
        problem("client", _("name the client by NIP, id or name."))
    product = _product(prices, r.get("product"))
    if product is None:
        problem(
            "product",
            _("{v!r} is not on the price list; use {codes}.").format(
                v=r.get("product"), codes=", ".join(p.code for p in prices.products)
            ),
        )
    number = r.get("number")
    if number and number in numbers:
        problem("number", _("also on line {m}.").format(m=numbers[number]))
    start = parse_day(r.get("start"))
    if start is None:
        problem(
            "start", _("{v!r} is not a date (2026-03-01 or 01.03.2026).").format(v=r.get("start"))
        )
    end = parse_day(r.get("end")) if r.get("end") else None
    if r.get("end") and end is None:
        problem("end", _("{v!r} is not a date (2026-03-01 or 01.03.2026).").format(v=r.get("end")))
    if start and end and end < start:
        problem("end", _("the end is before the start."))
    hours = parse_amount(r.get("hours_used")) if r.get("hours_used") else Decimal(0)
    if hours is None or hours < 0:
        problem("hours_used", _("{v!r} is not a number of hours.").format(v=r.get("hours_used")))
    elif product is not None and hours > 0:
        if product.type is not ProductType.BLOCK:
            problem("hours_used", _("only a block of hours has hours already used."))
        elif product.hours is not None and hours > product.hours:
            problem(
                "hours_used",
                _("{h} h used is more than the {n} h the block has.").format(
                    h=hours, n=product.hours
                ),
            )
    fee = parse_amount(r.get("monthly_fee")) if r.get("monthly_fee") else None
    if r.get("monthly_fee") and (fee is None or fee <= 0):
        problem("monthly_fee", _("{v!r} is not an amount.").format(v=r.get("monthly_fee")))
    elif product is not None and product.type is ProductType.MONTHLY and fee is None:
        problem("monthly_fee", _("IT administration needs its agreed monthly fee (net PLN)."))
    elif product is not None and product.type is not ProductType.MONTHLY and fee is not None:
        problem("monthly_fee", _("only IT administration has a monthly fee."))
    elif product is not None and product.net is None and product.type is not ProductType.MONTHLY:
        problem("product", _("this product has no list price to import it with."))
    return bad


async def _client_id(ctx: Ctx, text: str) -> int | str:
    """The client's id, or the problem finding it."""
    try:
        digits: str | None = parse_nip(text)
    except InvalidNip:
        digits = None
    if digits is not None:
        found = await client_store.client_by_nip(ctx.db, digits)
        if found is not None:
            return found.id
        return _("no client has NIP {nip}; import the clients first.").format(nip=digits)
    if text.isdigit():
        client = await client_store.get_client(ctx.db, int(text))
        return client.id if client else _("no client with id {id}.").format(id=text)
    ids = await client_store.client_ids_by_name(ctx.db, text)
    if len(ids) == 1:
        return ids[0]
    if not ids:
        return _("no client named {name!r}; import the clients first.").format(name=text)
    return _("{n} clients are named {name!r}; use the NIP or id.").format(n=len(ids), name=text)


async def import_contracts(
    ctx: Ctx, rows: list[ContractRow], *, check: bool = False
) -> ContractsSummary:
    """Add running contracts with their opening balances, in one transaction, audited.

    Args:
        ctx: the service context (a dispatcher or admin acting).
        rows: the checked rows of the file.
        check: only look the clients and numbers up; write nothing.

    Raises:
        NotAllowed: the acting person is neither dispatcher nor admin.
        ImportFileError: clients not found or contract numbers already taken,
            every one by line and column (nothing is written).
    """
    opening = Decimal(0)
    async with ctx.db.transaction():
        await rights.check(ctx, Action.CONTRACT_EDIT)
        problems: list[RowProblem] = []
        clients: dict[int, int] = {}
        for row in rows:
            found = await _client_id(ctx, row.client)
            if isinstance(found, str):
                problems.append(RowProblem(row.line, "client", found))
            else:
                clients[row.line] = found
            if row.number and await store.contract_number_taken(ctx.db, row.number):
                problems.append(
                    RowProblem(
                        row.line, "number", _("{n} is already a contract.").format(n=row.number)
                    )
                )
        if problems:
            raise ImportFileError(problems)
        if check:
            return ContractsSummary(
                len(rows), sum((Decimal(r.opening_used_minutes) / 60 for r in rows), Decimal(0))
            )
        for row in rows:
            await _insert(ctx, row, clients[row.line])
            opening += Decimal(row.opening_used_minutes) / 60
    return ContractsSummary(len(rows), opening)


async def _insert(ctx: Ctx, row: ContractRow, client_id: int) -> None:
    product = row.product
    net = row.monthly_fee if product.type is ProductType.MONTHLY else product.net
    assert net is not None  # checked when parsing
    year = row.starts_on.year
    number = row.number or next_contract_number(
        await store.contract_numbers_with_prefix(ctx.db, f"BB/{year}/"), year
    )
    contract_id = await store.insert_contract(
        ctx.db, client_id=client_id, product_code=product.code, kind=product.type,
        number=number, title=product.name, starts_on=row.starts_on, ends_on=row.ends_on,
        minutes_included=product.hours * 60
        if product.type is ProductType.BLOCK and product.hours else None,
        net=net, vat_rate=ctx.prices.vat_rate,
        assessment_id=None, signed_at=ctx.clock.now(), signed_by=ctx.actor,
        opening_used_minutes=row.opening_used_minutes,
    )  # fmt: skip
    client = await client_store.get_client(ctx.db, client_id)
    if client is not None and client.status is ClientStatus.PROSPECT:
        await client_store.set_status(ctx.db, client_id, ClientStatus.ACTIVE)
    await audit.record(
        ctx, "contract", contract_id, "imported", number=number, product=product.code,
        client_id=client_id, line=row.line, opening_used_minutes=row.opening_used_minutes,
    )  # fmt: skip
