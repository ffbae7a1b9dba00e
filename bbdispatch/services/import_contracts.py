"""Bringing over contracts that already run: with the hours used before bbdispatch.

A firm adopting bbdispatch has blocks of hours partly used and IT
administration contracts with agreed monthly fees. Each row names the client
(by NIP, id or name), the product from the price list, the firm's contract
number, the start (and end), and for a block the hours already used: that is
the contract's **opening balance**, counted as used in every balance and shown
as such on statements and in the ledger. For IT administration the row gives
the monthly fee. All or nothing per file; ``--check`` reports every bad row,
of the file and against the database, in one pass.

Re-importing is safe: a row whose number is already a contract, or a row
without a number whose client, product and start match a contract already
there, is reported and nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from bbdispatch.domain.clients import Client, ClientStatus
from bbdispatch.domain.contracts import IMPORTED_BY
from bbdispatch.domain.ids import parse_id
from bbdispatch.domain.products import product_name
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_hours, format_money
from bbdispatch.i18n import _
from bbdispatch.pricelist import PriceList, Product, ProductType
from bbdispatch.services import audit, rights
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import (
    MAX_MONTHLY_FEE,
    Held,
    kind_refusal,
    next_contract_number,
    signing_refusal,
)
from bbdispatch.services.saving import saves
from bbdispatch.services.spreadsheet import (
    ImportFileError,
    RowProblem,
    SheetRow,
    alias_map,
    as_written,
    fold,
    foreign_digit_problem,
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

POLISH_NAMES = {
    "client": "Klient", "product": "Produkt", "number": "Numer umowy", "start": "Początek",
    "end": "Koniec", "hours_used": "Godziny wykorzystane", "monthly_fee": "Opłata miesięczna",
}  # fmt: skip
"""Each column's Polish header, for problems of a file with Polish headers."""


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
class RowKey:
    """What the database part of the check needs of every row, good or bad."""

    line: int
    client: str
    number: str
    product: Product | None
    starts_on: date | None
    ends_on: date | None = None


@dataclass(frozen=True)
class ContractsFile:
    """A contracts file read in one pass: its good rows and every problem of its own.

    The database part (clients, numbers, contracts already there) is checked
    by :func:`import_contracts` for every row, bad or good, so one ``--check``
    lists everything wrong with the file.
    """

    rows: list[ContractRow]
    """The rows with no problem of their own."""
    keys: list[RowKey]
    """Every data row, for the database part of the check."""
    problems: list[RowProblem]
    """Problems found in the file alone (canonical column names)."""
    written: dict[str, str]
    """Canonical column → the file's header for it."""
    warnings: list[RowProblem] = field(default_factory=list)
    """Columns left out (unknown headers), as the file writes them."""


@dataclass(frozen=True)
class ContractsSummary:
    """What a contracts import did (or, with ``check``, would do)."""

    added: int
    opening_minutes: int
    """Minutes of opening balance brought over, all blocks together."""


EARLIEST_YEAR = 2000
"""No running contract started before this year; an earlier date is a typo."""
YEARS_AHEAD = 10
"""Dates more than this many years after today are typos (2999 for 2029)."""


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
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", cleaned):
        return None  # no exponents ("1e9"), no "NaN" or "Infinity"
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def decimals_of(value: Decimal) -> int:
    """How many decimal places a number was written with (``0,001`` → 3)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_minutes(text: str) -> int | None:
    """Hours as written (``31,5``, ``49.75`` or ``49:59``) as whole minutes.

    None when the text is not hours, or when decimal hours are not a whole
    number of minutes (``49,99`` h is 2999,4 minutes): nothing is rounded
    quietly.
    """
    clock = re.fullmatch(r"\s*([0-9]+):([0-5][0-9])\s*", text)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    hours = parse_amount(text)
    if hours is None or hours < 0:
        return None
    minutes = hours * 60
    if minutes != minutes.to_integral_value():
        return None
    return int(minutes)


def _product(prices: PriceList, text: str) -> Product | None:
    wanted = fold(text)
    for product in prices.products:
        if wanted in (fold(product.code), fold(product.name), fold(product.name_en)):
            return product
    return None


def read_contracts(
    source: str | Iterable[str], prices: PriceList, today: date | None = None
) -> ContractsFile:
    """Read a whole contracts file, collecting every problem of its rows (no database).

    Args:
        source: the decoded file, as text or lines.
        prices: the price list the products are looked up in.
        today: the firm's today, for the window of sensible dates (default:
            the machine's date).

    Raises:
        ImportFileError: the header is wrong (repeated or missing columns).
    """
    sheet = read_sheet(
        source, ALIASES, required=("client", "product", "start"), polish_names=POLISH_NAMES
    )
    today = today or datetime.now(UTC).date()
    problems: list[RowProblem] = list(sheet.problems)
    rows: list[ContractRow] = []
    keys: list[RowKey] = []
    numbers: dict[str, int] = {}
    for r in sheet.rows:
        bad = _row_problems(r, prices, numbers, today)
        product = _product(prices, r.get("product"))
        start = parse_day(r.get("start"))
        end = parse_day(r.get("end")) if r.get("end") else None
        keys.append(RowKey(r.line, r.get("client"), r.get("number"), product, start, end))
        if r.get("number") and r.get("number") not in numbers:
            numbers[r.get("number")] = r.line
        if bad:
            problems.extend(bad)
            continue
        assert product is not None  # checked above
        assert start is not None
        minutes = parse_minutes(r.get("hours_used")) if r.get("hours_used") else 0
        assert minutes is not None
        fee = parse_amount(r.get("monthly_fee")) if r.get("monthly_fee") else None
        rows.append(
            ContractRow(
                line=r.line, client=r.get("client"), product=product, number=r.get("number"),
                starts_on=start, ends_on=parse_day(r.get("end")) if r.get("end") else None,
                opening_used_minutes=minutes, monthly_fee=fee,
            )
        )  # fmt: skip
    return ContractsFile(rows, keys, problems, dict(sheet.written), sheet.warnings)


def parse_contracts_csv(
    source: str | Iterable[str], prices: PriceList, today: date | None = None
) -> list[ContractRow]:
    """Check a whole contracts file (everything but the clients, which need the database).

    Raises:
        ImportFileError: every bad row, by line and column as the file names it.
    """
    found = read_contracts(source, prices, today)
    if found.problems:
        raise ImportFileError(as_written(found.problems, found.written))
    return found.rows


def _date_problem(value: date, today: date) -> str | None:
    if value.year < EARLIEST_YEAR or value.year > today.year + YEARS_AHEAD:
        return _("{d} is outside the years {a}–{b}; is the year a typo?").format(
            d=value.isoformat(), a=EARLIEST_YEAR, b=today.year + YEARS_AHEAD
        )
    return None


def _row_problems(
    r: SheetRow, prices: PriceList, numbers: dict[str, int], today: date
) -> list[RowProblem]:
    bad: list[RowProblem] = []

    def problem(column: str, message: str) -> None:
        bad.append(RowProblem(r.line, column, message))

    if not r.get("client"):
        problem("client", _("name the client by NIP, id or name."))
    product = _product(prices, r.get("product"))
    if product is None:
        problem(
            "product",
            _("'{v}' is not on the price list; use {codes}.").format(
                v=r.get("product"), codes=", ".join(p.code for p in prices.products)
            ),
        )
    number = r.get("number")
    if number and number in numbers:
        problem("number", _("also on line {m}.").format(m=numbers[number]))
    start = parse_day(r.get("start"))
    if start is None:
        problem(
            "start", _("'{v}' is not a date (2026-03-01 or 01.03.2026).").format(v=r.get("start"))
        )
    elif (odd := _date_problem(start, today)) is not None:
        problem("start", odd)
    elif start > today + timedelta(days=366):
        problem(
            "start",
            _("{d} is more than a year from today; only running contracts are imported.").format(
                d=start.isoformat()
            ),
        )
    end = parse_day(r.get("end")) if r.get("end") else None
    if r.get("end") and end is None:
        problem("end", _("'{v}' is not a date (2026-03-01 or 01.03.2026).").format(v=r.get("end")))
    elif end is not None and (odd := _date_problem(end, today)) is not None:
        problem("end", odd)
    elif start and end and end < start:
        problem("end", _("the end is before the start."))
    minutes = parse_minutes(r.get("hours_used")) if r.get("hours_used") else 0
    written_hours = parse_amount(r.get("hours_used")) if r.get("hours_used") else None
    if (odd := foreign_digit_problem(r.get("hours_used"))) is not None:
        problem("hours_used", odd)
    elif written_hours is not None and written_hours < 0:
        problem(
            "hours_used",
            _(
                "hours used can't be negative ({v}); write the hours already used, "
                "or leave it empty."
            ).format(v=r.get("hours_used")),
        )
    elif minutes is None:
        problem(
            "hours_used",
            _(
                "'{v}' is not a number of hours in whole minutes "
                "(31,5 or 31:30; 49,99 h would be 2999,4 minutes)."
            ).format(v=r.get("hours_used")),
        )
    elif product is not None and minutes > 0:
        if start is not None and start > today:
            problem(
                "hours_used",
                _(
                    "the contract starts on {d}, after today: hours already used are an "
                    "opening balance of a running contract only; leave it empty."
                ).format(d=start.isoformat()),
            )
        elif product.type is not ProductType.BLOCK:
            problem("hours_used", _("only a block of hours has hours already used."))
        elif product.hours is not None and minutes > product.hours * 60:
            problem(
                "hours_used",
                _("{h} used is more than the {n} h the block has.").format(
                    h=format_hours(minutes), n=product.hours
                ),
            )
    fee = parse_amount(r.get("monthly_fee")) if r.get("monthly_fee") else None
    if (odd := foreign_digit_problem(r.get("monthly_fee"))) is not None:
        problem("monthly_fee", odd)
    elif r.get("monthly_fee") and (fee is None or fee <= 0):
        problem("monthly_fee", _("'{v}' is not an amount.").format(v=r.get("monthly_fee")))
    elif fee is not None and decimals_of(fee) > 2:
        problem(
            "monthly_fee",
            _("'{v}' has more than 2 decimals; an amount is in złoty and grosze.").format(
                v=r.get("monthly_fee")
            ),
        )
    elif fee is not None and fee > MAX_MONTHLY_FEE:
        problem(
            "monthly_fee",
            _("'{v}' is more than {max} a month; is a comma missing?").format(
                v=r.get("monthly_fee"), max=format_money(MAX_MONTHLY_FEE)
            ),
        )
    elif product is not None and product.type is ProductType.MONTHLY and fee is None:
        problem("monthly_fee", _("IT administration needs its agreed monthly fee (net PLN)."))
    elif product is not None and product.type is not ProductType.MONTHLY and fee is not None:
        problem("monthly_fee", _("only IT administration has a monthly fee."))
    elif product is not None and product.net is None and product.type is not ProductType.MONTHLY:
        problem("product", _("this product has no list price to import it with."))
    return bad


def nip_like(text: str) -> bool:
    """Whether a client cell is meant as a NIP: ten digits, with ``PL``, dashes or spaces."""
    compact = re.sub(r"[\s\-]", "", text).upper().removeprefix("PL")
    return len(compact) == 10 and compact.isascii() and compact.isdigit()


async def _client(ctx: Ctx, text: str) -> Client | str:
    """The client a cell names, or the problem finding it.

    Ten digits (with ``PL``, dashes or spaces) are a NIP and must pass its
    checksum; they are never taken for a client id. A NIP or id written with
    other digits than 0-9 (``５２１…``) is refused, saying so.
    """
    odd = foreign_digit_problem(text)
    if odd is not None:
        ascii_text = "".join(str(unicodedata.digit(ch, 0)) if ch.isdigit() else ch for ch in text)
        if nip_like(ascii_text) or ascii_text.isdigit():
            return odd
    if nip_like(text):
        try:
            digits = parse_nip(text)
        except InvalidNip:
            return _("{v} is not a valid NIP (its check digit is wrong).").format(v=text)
        found = await client_store.client_by_nip(ctx.db, digits)
        if found is not None:
            return found
        return _("no client has NIP {nip}; import the clients first.").format(nip=digits)
    if text.isascii() and text.isdigit():
        client_id = parse_id(text)  # more than 64 bits names no client
        client = None if client_id is None else await client_store.get_client(ctx.db, client_id)
        return client if client else _("no client with id {id}.").format(id=text)
    ids = await client_store.client_ids_by_name(ctx.db, text)
    if len(ids) == 1:
        client = await client_store.get_client(ctx.db, ids[0])
        if client is not None:
            return client
    if not ids:
        return _("no client named '{name}'; import the clients first.").format(name=text)
    return _("{n} clients are named '{name}'; use the NIP or id.").format(n=len(ids), name=text)


async def _database_problems(
    ctx: Ctx, keys: list[RowKey]
) -> tuple[list[RowProblem], dict[int, int]]:
    """Every row's problems against the database, and the client id of each good row's line."""
    problems: list[RowProblem] = []
    clients: dict[int, int] = {}
    assessed: dict[int, bool] = {}
    pending: dict[int, list[Held]] = {}
    """Per client, the rows above in the file, for the signing rules."""
    same: dict[tuple[int, str, date], int] = {}
    for key in keys:
        taken = bool(key.number) and await store.contract_number_taken(ctx.db, key.number)
        if taken:
            problems.append(
                RowProblem(key.line, "number", _("{n} is already a contract.").format(n=key.number))
            )
        if not key.client:
            continue
        found = await _client(ctx, key.client)
        if isinstance(found, str):
            problems.append(RowProblem(key.line, "client", found))
            continue
        if found.status is ClientStatus.ARCHIVED:
            problems.append(
                RowProblem(
                    key.line,
                    "client",
                    _(
                        "{name} (client {id}) is archived; to import a contract for it, "
                        "first run: bbdispatch clients reactivate {id}"
                    ).format(name=found.name, id=found.id),
                )
            )
            continue
        refused = None if key.product is None else kind_refusal(key.product, found.kind)
        if refused is not None:
            problems.append(RowProblem(key.line, "product", str(refused)))
            continue
        clients[key.line] = found.id
        if key.product is None or key.starts_on is None or taken:
            continue  # a number already there is that contract: nothing more to say of it
        existing = await store.contracts_of(ctx.db, found.id)
        if not key.number:
            twin = next(
                (
                    c for c in existing
                    if c.product_code == key.product.code and c.starts_on == key.starts_on
                ),
                None,
            )  # fmt: skip
            where = (found.id, key.product.code, key.starts_on)
            if twin is not None:
                problems.append(
                    RowProblem(
                        key.line,
                        "number",
                        _(
                            "this client already has {number}, {code} from {start}: a row "
                            "without a number is the same contract when the client, product "
                            "and start agree."
                        ).format(
                            number=twin.number,
                            code=product_name(twin.product_code, title=twin.title),
                            start=twin.starts_on.isoformat(),
                        ),
                    )
                )  # fmt: skip
            elif where in same:
                problems.append(
                    RowProblem(
                        key.line,
                        "number",
                        _(
                            "the same client, product and start as line {m}, and no number "
                            "to tell them apart."
                        ).format(m=same[where]),
                    )
                )
            else:
                same[where] = key.line
        if found.id not in assessed:
            assessed[found.id] = bool(await store.assessments_of(ctx.db, found.id))
        above = pending.setdefault(found.id, [])
        refusal = signing_refusal(
            key.product, key.starts_on, key.ends_on,
            [*(Held.of(c) for c in existing), *above], has_assessment=assessed[found.id],
        )  # fmt: skip
        if refusal is not None:
            message = str(refusal)
            if key.product.needs_assessment and not assessed[found.id]:
                message = _(
                    "{refusal} Record it with: bbdispatch assessments add --client {id} "
                    "--needs TEXT --rules TEXT (or assessments waive --client {id} --reason TEXT)."
                ).format(refusal=message, id=found.id)
            problems.append(RowProblem(key.line, "product", message))
        above.append(
            Held(
                key.number or _("line {n}").format(n=key.line), key.product.code,
                key.product.type, key.starts_on, key.ends_on,
            )
        )  # fmt: skip
    return problems, clients


@saves
async def import_contracts(
    ctx: Ctx, found: ContractsFile, *, check: bool = False
) -> ContractsSummary:
    """Add running contracts with their opening balances, in one transaction, audited.

    Every row is checked against the database too, bad or good, so one run
    reports everything wrong with the file.

    Args:
        ctx: the service context (a dispatcher or admin acting).
        found: the file as :func:`read_contracts` read it.
        check: only check; write nothing.

    Raises:
        NotAllowed: the acting person is neither dispatcher nor admin.
        ImportFileError: every bad row, of the file itself or against the
            database (clients not found or archived, numbers taken, the same
            contract already there, a second IT administration), by line and
            column as the file names it. Nothing is written.
    """
    opening = 0
    async with ctx.db.transaction():
        await rights.check(ctx, Action.CONTRACT_EDIT)
        problems, clients = await _database_problems(ctx, found.keys)
        problems = [*found.problems, *problems]
        if problems:
            raise ImportFileError(as_written(problems, found.written))
        rows = found.rows
        opening = sum(r.opening_used_minutes for r in rows)
        if not check:
            for row in rows:
                await _insert(ctx, row, clients[row.line])
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
        assessment_id=None, signed_at=ctx.clock.now(), signed_by=IMPORTED_BY + ctx.actor,
        opening_used_minutes=row.opening_used_minutes,
    )  # fmt: skip
    client = await client_store.get_client(ctx.db, client_id)
    if client is not None and client.status is ClientStatus.PROSPECT:
        await client_store.set_status(ctx.db, client_id, ClientStatus.ACTIVE)
    await audit.record(
        ctx, "contract", contract_id, "imported", number=number, product=product.code,
        client_id=client_id, line=row.line, opening_used_minutes=row.opening_used_minutes,
    )  # fmt: skip
