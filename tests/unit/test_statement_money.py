"""Money on a statement: hours × rate per rate, rounded once; lines add up to the total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.statements import ChargeRow, Statement, StatementLine, rate_totals
from bbdispatch.money import round_grosz
from bbdispatch.services.context import Ctx
from bbdispatch.services.statements import build_statement
from tests.unit.test_ledger_scenarios import NOV, ZIELINSKA, work

DAY = date(2026, 11, 24)


def line(entry_id: int, *charges: ChargeRow) -> StatementLine:
    return StatementLine(
        entry_id=entry_id, day=DAY, job_number="1", technician="Anna", mode=JobMode.REMOTE,
        description="x", actual_minutes=15, billed_minutes=sum(c.minutes for c in charges),
        charges=charges,
    )  # fmt: skip


def agreed(minutes: int, rate: str) -> ChargeRow:
    return ChargeRow(None, None, ChargeBasis.AGREED, minutes, Decimal(rate), "agreed rate")


def statement(lines: list[StatementLine]) -> Statement:
    return Statement(
        client_id=1, client_name="c", client_address="", client_nip=None, period_from=DAY,
        period_to=DAY, vat_rate=Decimal("0.23"), lines=tuple(lines), contracts=(), fees=(),
    )  # fmt: skip


def test_400_quarter_hours_at_85_50_are_8550() -> None:
    # The issue: rounding each 15-minute line (21,375 -> 21,38) gave 8 552,00 zł.
    s = statement([line(i, agreed(15, "85.50")) for i in range(400)])
    assert s.net == Decimal("8550.00")
    assert sum((ln.net for ln in s.lines), Decimal(0)) == Decimal("8550.00")
    assert {ln.net for ln in s.lines} == {Decimal("21.37"), Decimal("21.38")}
    (total,) = s.rates
    assert (total.minutes, total.rate, total.net) == (6000, Decimal("85.50"), Decimal("8550.00"))
    assert s.gross == Decimal("10516.50")


async def test_400_quarter_hours_at_85_50_from_the_database(demo_ctx: Ctx) -> None:
    for i in range(400):
        day, slot = divmod(i, 20)
        await work(
            demo_ctx, ZIELINSKA, 15, day=1 + day, hour=0, agreed_rate=Decimal("85.50"),
            offset=slot * 15,
        )  # fmt: skip
    s = await build_statement(demo_ctx, ZIELINSKA, *NOV)
    assert s.billed_minutes == 6000
    assert s.net == Decimal("8550.00")
    assert sum((ln.net for ln in s.lines), Decimal(0)) == s.net


rates = st.sampled_from(["85.50", "100.00", "33.33", "0.01", "99.99", "123.45"])
charge_st = st.builds(
    ChargeRow,
    contract_id=st.sampled_from([None, 1, 2]),
    contract_number=st.none(),
    basis=st.sampled_from([ChargeBasis.UNCOVERED, ChargeBasis.AGREED, ChargeBasis.HOURLY]),
    minutes=st.integers(1, 80).map(lambda n: n * 15),
    rate=rates.map(Decimal),
    reason=st.just("r"),
)


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(st.lists(charge_st, min_size=1, max_size=3), max_size=40))
def test_line_amounts_always_add_up_to_the_total(pieces: list[list[ChargeRow]]) -> None:
    s = statement([line(i, *p) for i, p in enumerate(pieces)])
    # Each rate: hours × rate, rounded once.
    for total in s.rates:
        assert total.net == round_grosz(total.rate * total.minutes / 60)
    assert s.net == sum((t.net for t in s.rates), Decimal("0.00"))
    # The lines shown add up to it exactly, and no piece is off by more than a grosz.
    assert sum((ln.net for ln in s.lines), Decimal(0)) == s.net
    for ln in s.lines:
        assert ln.net == sum((c.net for c in ln.charges), Decimal(0))
        for c in ln.charges:
            assert abs(c.net - c.exact) < Decimal("0.01")
            assert c.net == c.net.quantize(Decimal("0.01"))
    # Pricing is stable: a statement built from priced lines prices them the same.
    assert statement(list(s.lines)).lines == s.lines
    assert rate_totals(s.lines) == s.rates
