"""Property tests of the right-contract allocation and of statement totals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.domain.contracts import Balance, Contract, ContractStatus
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.ledger import ChargeBasis, JobTerms, allocate, billed_minutes
from bbdispatch.domain.statements import ChargeRow, Statement, StatementLine
from bbdispatch.pricelist import ProductType

DAY = date(2026, 11, 24)
RATE = Decimal("100.00")


def contract(cid: int, kind: ProductType, included: int | None, age: int) -> Contract:
    return Contract(
        id=cid, client_id=1, product_code=kind.value, kind=kind, number=f"BB/2026/{cid:03d}",
        title="t", starts_on=DAY - timedelta(days=age), ends_on=None,
        minutes_included=included if kind is ProductType.BLOCK else None,
        net=Decimal("100.00"), vat_rate=Decimal("0.23"), status=ContractStatus.ACTIVE,
        assessment_id=None, signed_at=datetime(2026, 1, 1, tzinfo=UTC), signed_by="x",
    )  # fmt: skip


@st.composite
def balances(draw: st.DrawFn) -> list[Balance]:
    n = draw(st.integers(0, 5))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from([ProductType.BLOCK, ProductType.BLOCK, ProductType.HOURLY]))
        included = draw(st.sampled_from([600, 3000]))
        used = draw(st.integers(0, included)) if kind is ProductType.BLOCK else 0
        age = draw(st.integers(0, 400))
        out.append(Balance(contract(i + 1, kind, included, age), used))
    return out


terms_st = st.builds(
    JobTerms,
    is_network=st.booleans(),
    recurring_contract_id=st.none(),
    override_contract_id=st.one_of(st.none(), st.integers(1, 6)),
    agreed_rate=st.one_of(st.none(), st.just(Decimal("80.00"))),
)
minutes_st = st.integers(1, 40).map(lambda n: n * 15)


@settings(max_examples=200, deadline=None)
@given(minutes=minutes_st, terms=terms_st, found=balances())
def test_charged_time_equals_billed_time(
    minutes: int, terms: JobTerms, found: list[Balance]
) -> None:
    parts = allocate(minutes, terms, found, DAY, RATE)
    assert sum(p.minutes for p in parts) == minutes
    assert all(p.minutes > 0 for p in parts)


@settings(max_examples=200, deadline=None)
@given(minutes=minutes_st, terms=terms_st, found=balances())
def test_no_block_goes_below_zero(minutes: int, terms: JobTerms, found: list[Balance]) -> None:
    parts = allocate(minutes, terms, found, DAY, RATE)
    by_id = {b.contract.id: b for b in found}
    for p in parts:
        if p.basis is ChargeBasis.BLOCK:
            assert p.contract_id is not None
            b = by_id[p.contract_id]
            assert b.included_minutes is not None
            assert b.used_minutes + p.minutes <= b.included_minutes
    # Uncovered time only when no block had anything left (or another rule took it).
    if any(p.basis is ChargeBasis.UNCOVERED for p in parts):
        assert all(
            (b.left_minutes or 0) == 0 or b.contract.kind is not ProductType.BLOCK
            for b in found
            if b.contract.id not in {p.contract_id for p in parts}
        )


@settings(max_examples=100, deadline=None)
@given(minutes=minutes_st, terms=terms_st, found=balances(), seed=st.randoms())
def test_split_is_deterministic(
    minutes: int, terms: JobTerms, found: list[Balance], seed: object
) -> None:
    first = allocate(minutes, terms, found, DAY, RATE)
    shuffled = list(found)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert allocate(minutes, terms, shuffled, DAY, RATE) == first
    assert allocate(minutes, terms, found, DAY, RATE) == first


@given(seconds=st.integers(60, 20 * 3600), step=st.sampled_from([1, 5, 15, 30, 60]))
def test_rounding_is_up_to_the_increment(seconds: int, step: int) -> None:
    billed = billed_minutes(seconds, step)
    assert billed % step == 0
    assert billed * 60 >= seconds > (billed - step) * 60


charge_st = st.builds(
    ChargeRow,
    contract_id=st.none(),
    contract_number=st.none(),
    basis=st.sampled_from([ChargeBasis.UNCOVERED, ChargeBasis.AGREED, ChargeBasis.BLOCK]),
    minutes=minutes_st,
    rate=st.decimals(min_value=0, max_value=500, places=2),
    reason=st.just("r"),
)
line_st = st.builds(
    StatementLine,
    entry_id=st.integers(1, 1000),
    day=st.just(DAY),
    job_number=st.just("1"),
    technician=st.just("Anna"),
    mode=st.just(JobMode.REMOTE),
    description=st.just("x"),
    actual_minutes=st.integers(1, 600),
    billed_minutes=st.integers(1, 600),
    charges=st.lists(charge_st, max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(line_st, max_size=12))
def test_totals_equal_sum_of_lines_and_gross_is_net_plus_vat(lines: list[StatementLine]) -> None:
    s = Statement(
        client_id=1, client_name="c", client_address="", client_nip=None, period_from=DAY,
        period_to=DAY, vat_rate=Decimal("0.23"), lines=tuple(lines), contracts=(), fees=(),
    )  # fmt: skip
    assert s.net == sum((ln.net for ln in s.lines), Decimal("0.00"))
    assert all(ln.net == sum((c.net for c in ln.charges), Decimal(0)) for ln in s.lines)
    assert s.gross == s.net + s.vat
    assert s.vat == (s.net * Decimal("0.23")).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    for amount in (s.net, s.vat, s.gross):
        assert amount == amount.quantize(Decimal("0.01"))


@given(seconds=st.integers(-5, 59), step=st.sampled_from([1, 15, 60]))
def test_under_a_minute_is_never_billed(seconds: int, step: int) -> None:
    # The issue: a 20-second accidental timer was billed a quarter-hour (25,00 zł).
    assert billed_minutes(seconds, step) == 0
