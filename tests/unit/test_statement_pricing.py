"""Pricing a statement's lines fast gives exactly what the plain definition gives."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.domain import statements as module
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.statements import ChargeRow, Statement, StatementLine, price_lines
from bbdispatch.money import GROSZ, round_grosz
from bbdispatch.services.context import Ctx
from tests.unit.test_statement_money import line, statement


def _reference(lines: list[StatementLine]) -> tuple[StatementLine, ...]:
    """Largest remainder per rate, written the slow, obvious way (the rule before speed-ups)."""
    minutes: dict[object, int] = {}
    for ln in lines:
        for c in ln.charges:
            if c.rate:
                minutes[c.key] = minutes.get(c.key, 0) + c.minutes
    totals = {k: round_grosz(k[2] * m / 60) for k, m in minutes.items()}  # type: ignore[index]
    amounts: dict[tuple[int, int], Decimal] = {}
    losses: dict[object, list[tuple[Decimal, tuple[int, int]]]] = {}
    for i, ln in enumerate(lines):
        for j, c in enumerate(ln.charges):
            amounts[(i, j)] = c.exact.quantize(GROSZ, rounding=ROUND_FLOOR)
            losses.setdefault(c.key, []).append((c.exact - amounts[(i, j)], (i, j)))
    for key, pieces in losses.items():
        floor_sum = sum((amounts[w] for _l, w in pieces), Decimal(0))
        spare = int((totals.get(key, floor_sum) - floor_sum) / GROSZ)
        for _l, w in sorted(pieces, key=lambda p: -p[0])[:spare]:
            amounts[w] += GROSZ
    return tuple(
        replace(ln, charges=tuple(replace(c, amount=amounts[(i, j)]) for j, c in enumerate(ln.charges)))
        for i, ln in enumerate(lines)
    )  # fmt: skip


charges = st.builds(
    ChargeRow,
    contract_id=st.sampled_from([None, 1, 2]),
    contract_number=st.none(),
    basis=st.sampled_from(list(ChargeBasis)),
    minutes=st.integers(0, 600),
    rate=st.sampled_from([Decimal(0), Decimal("85.50"), Decimal("120.00"), Decimal("99.99")]),
    reason=st.just("r"),
    fixed=st.sampled_from([None, None, None, Decimal("100.005")]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(charges, max_size=3), max_size=40))
def test_price_lines_matches_the_plain_rule_and_pricing_twice_copies_nothing(
    pieces: list[list[ChargeRow]],
) -> None:
    lines = [line(i, *cs) for i, cs in enumerate(pieces)]
    priced = price_lines(lines)
    assert priced == _reference(lines)
    assert [[str(c.amount) for c in ln.charges] for ln in priced] == [
        [str(c.amount) for c in ln.charges] for ln in _reference(lines)
    ]
    again = price_lines(priced)
    assert all(a is b for a, b in zip(again, priced, strict=True))


def test_a_line_priced_at_other_digits_is_priced_again() -> None:
    piece = ChargeRow(
        None, None, ChargeBasis.AGREED, 15, Decimal("85.50"), "r", amount=Decimal("21.4")
    )
    (priced,) = price_lines([line(1, piece)])
    assert str(priced.charges[0].amount) == "21.38"


def test_evolve_copies_every_field_like_replace() -> None:
    piece = ChargeRow(3, "K-1", ChargeBasis.AGREED, 15, Decimal("85.50"), "r", Decimal(1), None)
    assert module._evolve(piece, amount=Decimal("2.00")) == replace(piece, amount=Decimal("2.00"))
    ln = line(7, piece)
    copy = module._evolve(ln, charges=())
    assert copy == replace(ln, charges=())
    assert [f.name for f in fields(copy)] == [f.name for f in fields(ln)]


def test_a_statement_prices_any_lines_but_a_set_priced_together() -> None:
    pieces = [
        line(i, ChargeRow(None, None, ChargeBasis.AGREED, 15, Decimal("85.50"), "r"))
        for i in range(4)
    ]
    priced = price_lines(pieces)
    assert statement(list(priced)).lines == priced
    assert statement_of(priced).lines is priced
    # Three of the four, sliced: 3 × 21.375 = 64.125 → 64.13, shared afresh (not the
    # amounts the four got together, which sum to 85.50 for four).
    part = statement_of(priced[:3])
    assert sum((ln.net for ln in part.lines), Decimal(0)) == Decimal("64.13")


def statement_of(lines: tuple[StatementLine, ...]) -> Statement:
    return replace(statement([]), lines=lines)


many_alike = st.builds(
    ChargeRow,
    contract_id=st.sampled_from([None, 1]),
    contract_number=st.none(),
    basis=st.sampled_from([ChargeBasis.BLOCK, ChargeBasis.HOURLY, ChargeBasis.AGREED]),
    minutes=st.sampled_from([7, 15, 45, 60]),
    rate=st.sampled_from([Decimal(0), Decimal("85.50"), Decimal("85.5"), Decimal("99.99")]),
    reason=st.just("r"),
    fixed=st.sampled_from([None, None, None, Decimal("100.005")]),
    priced=st.booleans(),
)
"""Few distinct pieces, many times over: groups of equal worth, ties on every loss."""


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.lists(st.lists(charges, max_size=3), max_size=20),
        st.lists(st.lists(many_alike, max_size=3), max_size=60),
    )
)
def test_pricing_fresh_lines_in_place_gives_the_plain_rule(
    pieces: list[list[ChargeRow]],
) -> None:
    fresh = [line(i, *(replace(c) for c in cs)) for i, cs in enumerate(pieces)]
    expected = _reference(fresh)
    priced = module.price_fresh_lines(fresh)
    assert all(a is b for a, b in zip(priced, fresh, strict=True))  # the same lines, in place
    assert priced == expected
    assert [[str(c.amount) for c in ln.charges] for ln in priced] == [
        [str(c.amount) for c in ln.charges] for ln in expected
    ]
    assert all(c.amount is None for cs in pieces for c in cs)  # the originals are untouched
    assert price_lines(priced) == priced


async def test_lines_built_by_storage_hold_every_field_and_price_as_the_plain_rule(
    demo_ctx: Ctx, demo_db_path: Path
) -> None:
    """Storage builds lines without ``__init__``: each must still hold every field,
    and the statement's amounts are those of the plain rule on lines built the slow way."""
    from bbdispatch.services.statements import build_statement
    from bbdispatch.storage.statements import statement_lines
    from tests.helpers import query

    (row,) = query(
        demo_db_path,
        "SELECT j.client_id, min(w.started_at) FROM work_entry w JOIN job j ON j.id = w.job_id"
        " WHERE w.ended_at IS NOT NULL GROUP BY j.client_id ORDER BY count(*) DESC LIMIT 1",
    )
    first = date.fromisoformat(row[1][:10]) - timedelta(days=1)
    statement = await build_statement(demo_ctx, int(row[0]), first, first + timedelta(days=400))
    assert statement.lines
    names = {cls: {f.name for f in fields(cls)} for cls in (StatementLine, ChargeRow)}
    for ln in statement.lines:
        assert vars(ln).keys() == names[StatementLine]
        assert ln == replace(ln)  # equal to one built through __init__
        for c in ln.charges:
            assert vars(c).keys() == names[ChargeRow]
            assert c == replace(c)
    slow = [
        replace(ln, charges=tuple(replace(c, amount=None) for c in ln.charges))
        for ln in statement.lines
    ]
    assert statement.lines == _reference(slow)
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    work = await statement_lines(demo_ctx.db, int(row[0]), start, start + timedelta(days=400))
    assert work.lines
    for ln in work.lines:
        assert vars(ln).keys() == names[StatementLine]
        assert all(c.amount is None for c in ln.charges)  # not priced: the service prices
