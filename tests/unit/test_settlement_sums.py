"""Every table of a statement that shows money adds up to its total (fixed prices too)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.statements import ChargeRow, Statement, StatementLine
from bbdispatch.reports.common import contract_label, contract_rows
from bbdispatch.reports.csv_report import render_csv
from bbdispatch.services.context import Ctx
from bbdispatch.services.jobs import create_job
from bbdispatch.services.statements import build_statement
from bbdispatch.services.timekeeping import add_entry
from tests.unit.test_ledger_scenarios import ANNA, NOV, ZIELINSKA, received_at, work

DAY = date(2026, 11, 24)


def amount(cell: str) -> Decimal:
    """``1 234,56 zł`` (any spaces) as a Decimal."""
    return Decimal(re.sub(r"[^\d,-]", "", cell).replace(",", "."))


def table_sum(s: Statement) -> Decimal:
    return sum((amount(cells[-1]) for cells, _f in contract_rows(s)), Decimal("0.00"))


def csv_sum(s: Statement) -> Decimal:
    """The Polish CSV's settlement records (contracts, rates, prices), summed."""
    kinds = {"umowa", "poza umową", "stawka uzgodniona", "cena uzgodniona"}
    total = Decimal("0.00")
    for row in render_csv(s, ";").lstrip("\ufeff").splitlines()[1:]:
        cells = row.split(";")
        if cells[0] in kinds:
            total += Decimal(cells[-1].replace(",", "."))
    return total


async def priced_job(ctx: Ctx, price: Decimal, minutes: int, day: int = 20) -> int:
    job = await create_job(
        ctx,
        NewJob(
            client_id=ZIELINSKA, description="Cena stała", mode=JobMode.REMOTE,
            priority=Priority.NORMAL, category=Category.SOFTWARE, agreed_price=price,
        ),
    )  # fmt: skip
    start = datetime(2026, 11, day, 9, 0, tzinfo=FIRM_ZONE)
    await received_at(ctx, job, start)
    await add_entry(
        ctx, job_id=job, technician_id=ANNA, started_at=start,
        ended_at=start + timedelta(minutes=minutes), description="Praca", mode=JobMode.REMOTE,
    )  # fmt: skip
    return job


async def test_fixed_price_is_in_the_settlement_table_and_the_csv(demo_ctx: Ctx) -> None:
    # The tester's case: a 0,01 zł fixed price was on the lines and in the total
    # but not in "Rozliczenie umów", whose rows came to a grosz less.
    await work(demo_ctx, ZIELINSKA, 45, agreed_rate=Decimal("33.33"))
    await priced_job(demo_ctx, Decimal("0.01"), 30)
    s = await build_statement(demo_ctx, ZIELINSKA, *NOV)
    assert s.net == Decimal("25.01")
    assert table_sum(s) == s.net
    assert s.settlement_net == s.net
    assert csv_sum(s) == s.net
    assert any(cells[-1].startswith("0,01") for cells, _f in contract_rows(s))


async def test_rate_zero_is_an_agreed_rate_not_a_price(demo_ctx: Ctx) -> None:
    entry = await work(demo_ctx, ZIELINSKA, 30, agreed_rate=Decimal("0"))
    s = await build_statement(demo_ctx, ZIELINSKA, *NOV)
    (line,) = [ln for ln in s.lines if ln.entry_id == entry]
    assert contract_label(line) == "stawka uzgodniona"
    assert any("0,00 zł/h" in cells[0] for cells, _f in contract_rows(s))


rates = st.sampled_from(["85.50", "33.33", "0.01", "99.99", "0.00"]).map(Decimal)


@st.composite
def charge(draw: st.DrawFn, job: int) -> ChargeRow:
    kind = draw(st.sampled_from(["block", "uncovered", "agreed", "price", "priced", "hourly"]))
    minutes = draw(st.integers(1, 40)) * 15
    if kind == "block":
        return ChargeRow(1, "BB/1", ChargeBasis.BLOCK, minutes, Decimal(0), "b")
    if kind == "hourly":
        return ChargeRow(2, "BB/2", ChargeBasis.HOURLY, minutes, Decimal("99.99"), "h")
    if kind == "uncovered":
        return ChargeRow(None, None, ChargeBasis.UNCOVERED, minutes, draw(rates), "u")
    if kind == "agreed":
        return ChargeRow(None, None, ChargeBasis.AGREED, minutes, draw(rates), "a")
    fixed = draw(st.decimals("0.01", "99999.99", places=2)) if kind == "price" else None
    return ChargeRow(
        None, None, ChargeBasis.AGREED, minutes, Decimal(0), "p", fixed=fixed, priced=True
    )


@st.composite
def lines(draw: st.DrawFn) -> list[StatementLine]:
    out = []
    for i in range(draw(st.integers(0, 25))):
        job = draw(st.integers(1, 5))
        charges = tuple(draw(st.lists(charge(job), min_size=1, max_size=2)))
        out.append(
            StatementLine(
                entry_id=i,
                day=DAY,
                job_number=str(job),
                technician="A",
                mode=JobMode.REMOTE,
                description="x",
                actual_minutes=15,
                billed_minutes=sum(c.minutes for c in charges),
                charges=charges,
            )  # fmt: skip
        )
    return out


@settings(max_examples=150, deadline=None)
@given(found=lines())
def test_every_money_table_adds_up_to_the_total(found: list[StatementLine]) -> None:
    bare = Statement(
        client_id=1, client_name="c", client_address="", client_nip=None, period_from=DAY,
        period_to=DAY, vat_rate=Decimal("0.23"), lines=tuple(found), contracts=(), fees=(),
    )  # fmt: skip
    hourly = [c for ln in bare.lines for c in ln.charges if c.contract_id == 2]
    s = bare
    lines_sum = sum((ln.net for ln in s.lines), Decimal("0.00"))
    assert lines_sum == s.net
    # The hourly contract's row is the contract subtotal: built here as the service does.
    hourly_net = sum((c.net for c in hourly), Decimal("0.00"))
    rows = s.settlement_net + hourly_net
    assert rows == s.net
    assert table_sum(s) + hourly_net == s.net
    assert csv_sum(s) + hourly_net == s.net
