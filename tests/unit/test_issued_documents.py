"""Issue 20, item 1: an issued statement is a document that never changes.

Later changes to an issued period (an admin's correction, a contract closed or
signed) become signed correction lines on the next statement, referring to the
issued number; the issued documents stay byte-identical in every format.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import Category, JobMode
from bbdispatch.pricelist import PriceList
from bbdispatch.reports import render
from bbdispatch.services.context import Ctx
from bbdispatch.services.corrections import correct_locked_entry
from bbdispatch.services.dispatch import assign
from bbdispatch.services.ledger import close_contract
from bbdispatch.services.statements import (
    KEPT_FORMATS,
    build_statement,
    issue_statement,
    issued_document,
)
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage.database import Database
from tests.conftest import DEMO_NOW
from tests.unit.test_ledger_scenarios import work

NOTARIUSZ, APTEKA = 1, 5
MAREK = 3


async def on_job(ctx: Ctx, job_id: int | str) -> int:
    """Who may book time on the job: its technician (else anyone; Marek)."""
    from bbdispatch.services.jobs import get_job

    return (await get_job(ctx, int(job_id))).technician_id or MAREK


NOTARIUSZ_BLOCK, APTEKA_NETWORK = 1, 7
TO_23 = (date(2026, 11, 1), date(2026, 11, 23))
REST = (date(2026, 11, 24), date(2026, 12, 31))


async def documents(ctx: Ctx, client: int, period: tuple[date, date]) -> dict[str, str | None]:
    return {
        key: await issued_document(ctx, client, *period, fmt, sep)
        for key, (fmt, sep) in KEPT_FORMATS.items()
    }


async def entry_of(ctx: Ctx, client: int, period: tuple[date, date]) -> int:
    s = await build_statement(ctx, client, *period)
    return s.lines[-1].entry_id


async def shorten(ctx: Ctx, entry_id: int, minutes: int, reason: str) -> None:
    row = await ctx.db.fetch_one("SELECT started_at FROM work_entry WHERE id = ?", (entry_id,))
    assert row is not None
    start = datetime.fromisoformat(row["started_at"].replace("Z", "+00:00"))
    await correct_locked_entry(
        ctx, entry_id, started_at=start, ended_at=start + timedelta(minutes=minutes),
        description="Poprawiony wpis", reason=reason, long=True,
    )  # fmt: skip


async def test_apteka_november_75_corrected_to_50_is_a_25_credit_on_the_next(
    demo_ctx: Ctx,
) -> None:
    # 45 min of network work at 100 zł/h: November is issued at 75,00 zł net.
    entry = await work(demo_ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
    await issue_statement(demo_ctx, APTEKA, *TO_23)
    assert (await build_statement(demo_ctx, APTEKA, *TO_23)).number == "WP/2026/11/001"
    before = await documents(demo_ctx, APTEKA, TO_23)
    assert "Wykaz prac WP/2026/11/001" in (before["md"] or "")
    assert "75,00 zł" in (before["md"] or "")
    # The admin corrects 12:00–12:45 to 12:00–12:30.
    await shorten(demo_ctx, entry, 30, "Klient zgłosił błędną godzinę końca")
    # The issued documents never change, in any format.
    assert await documents(demo_ctx, APTEKA, TO_23) == before
    # The next statement carries a 25,00 zł credit referring to the issued number.
    draft = await build_statement(demo_ctx, APTEKA, *REST)
    assert [(c.refers_to, c.minutes_delta, c.net_delta) for c in draft.corrections] == [
        ("WP/2026/11/001", -15, Decimal("-25.00"))
    ]
    assert "Klient zgłosił błędną godzinę końca" in draft.corrections[0].reason
    # Billed in all: 75 − 25 = 50, what the corrected work costs.
    assert Decimal("75.00") + draft.net == Decimal("50.00")
    # Once the next statement is issued, the correction is settled: not carried again.
    demo_ctx.clock.advance(timedelta(days=40))  # type: ignore[attr-defined]
    await issue_statement(demo_ctx, APTEKA, *REST)
    later = await build_statement(demo_ctx, APTEKA, date(2027, 1, 1), date(2027, 1, 31))
    assert later.corrections == ()
    kept = await issued_document(demo_ctx, APTEKA, *REST, "md")
    assert kept is not None and "WP/2026/11/001" in kept and "-25,00 zł" in kept


async def test_block_closed_after_issue_then_9h_corrected_to_7h_is_a_reduction(
    demo_ctx: Ctx,
) -> None:
    # The notary's service block has 9 h left; 9 h of work use it up in November.
    entry = await work(demo_ctx, NOTARIUSZ, 9 * 60, day=20, hour=8)
    await issue_statement(demo_ctx, NOTARIUSZ, *TO_23)
    before = await documents(demo_ctx, NOTARIUSZ, TO_23)
    await close_contract(demo_ctx, NOTARIUSZ_BLOCK, "Umowa rozwiązana")
    await shorten(demo_ctx, entry, 7 * 60, "Technik wpisał 9 h zamiast 7 h")
    assert await documents(demo_ctx, NOTARIUSZ, TO_23) == before
    assert "bez umowy" not in (before["md"] or "")
    # November's time stays on the block it was billed on: no 700 zł of "uncovered".
    now = await build_statement(demo_ctx, NOTARIUSZ, *TO_23)
    assert all(c.contract_id == NOTARIUSZ_BLOCK for ln in now.lines for c in ln.charges)
    draft = await build_statement(demo_ctx, NOTARIUSZ, *REST)
    [line] = draft.corrections
    assert line.minutes_delta == -120
    assert line.net_delta <= 0  # a reduction is never a charge
    assert line.refers_to == "WP/2026/11/001"


async def test_a_fee_contract_signed_after_issue_bills_its_month_as_a_correction(
    demo_ctx: Ctx,
) -> None:
    from bbdispatch.services.contracts import SignRequest, sign_contract

    lingwa = 6
    await issue_statement(demo_ctx, lingwa, *TO_23)
    before = await documents(demo_ctx, lingwa, TO_23)
    # Signed today for 1–15 November: its one month's fee falls due on 15.11, in the
    # issued period (fees are billed in arrears, by the month's last billable day).
    contract_id = await sign_contract(
        demo_ctx,
        SignRequest(
            lingwa, "it-admin", date(2026, 11, 1), date(2026, 11, 15), agreed_net=Decimal("900")
        ),
    )
    assert await documents(demo_ctx, lingwa, TO_23) == before
    draft = await build_statement(demo_ctx, lingwa, *REST)
    assert [(c.refers_to, c.minutes_delta, c.net_delta) for c in draft.corrections] == [
        ("WP/2026/11/001", 0, Decimal("900.00"))
    ]
    # The line says which contract's fee and for which month, in the client's document.
    number = (await contract_store.get_contract(demo_ctx.db, contract_id)).number  # type: ignore[union-attr]
    reason = draft.corrections[0].reason
    assert f"opłata miesięczna, umowa {number}, za listopad 2026" in reason
    assert "czas, umowa lub opłata" not in reason
    assert f"umowa {number}, za listopad 2026" in render(draft, "md", ",")


async def test_csv_with_other_delimiters_is_refused_for_an_issued_statement(
    demo_ctx: Ctx,
) -> None:
    import pytest

    from bbdispatch.domain.errors import DomainError

    await work(demo_ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
    await issue_statement(demo_ctx, APTEKA, *TO_23)
    with pytest.raises(DomainError, match="CSV with ',' or ';'"):
        await issued_document(demo_ctx, APTEKA, *TO_23, "csv", "\t")
    kept = await issued_document(demo_ctx, APTEKA, *TO_23, "csv", ";")
    assert kept is not None and kept.splitlines()[1].startswith("wykaz;24.11.2026;WP/2026/11/001;")


# The property: whatever happens after issue, issued documents never change, and
# all statements together bill what the corrected work costs.

operations = st.lists(
    st.one_of(
        st.tuples(st.just("correct"), st.integers(0, 2), st.integers(1, 8)),
        st.tuples(st.just("open"), st.integers(1, 6), st.integers(0, 2)),
        st.tuples(st.just("close"), st.just(0), st.just(0)),
        st.tuples(st.just("issue"), st.just(0), st.just(0)),
    ),
    max_size=6,
)


async def _scenario(path: Path, prices: PriceList, ops: list[tuple[str, int, int]]) -> None:
    db = await Database.open(path)
    clock = FrozenClock(DEMO_NOW)
    ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
    try:
        locked = [
            await work(ctx, APTEKA, m, day=d, hour=10, category=Category.NETWORK)
            for d, m in ((3, 45), (10, 50), (20, 95))
        ]
        locked_job = (await build_statement(ctx, APTEKA, *TO_23)).lines[-1].job_number
        periods = [TO_23]
        await issue_statement(ctx, APTEKA, *TO_23)
        kept = {TO_23: await documents(ctx, APTEKA, TO_23)}
        draft = REST
        closed = False
        slot = 0
        clock.advance(datetime(2026, 12, 1, 9, tzinfo=FIRM_ZONE) - clock.now())
        await assign(ctx, int(locked_job), MAREK, None)  # only the job's technician books time
        for op, a, b in ops:
            if op == "correct":
                await shorten(ctx, locked[a], 15 * b - 7, "Korekta")
            elif op == "open" and draft == REST and slot < 6:
                slot += 1
                start = datetime(2026, 11, 24 + slot, 19 + b, tzinfo=FIRM_ZONE)
                await add_entry(
                    ctx, job_id=int(locked_job), technician_id=MAREK, started_at=start,
                    ended_at=start + timedelta(minutes=15 * a - 5), description="Praca zdalna",
                    mode=JobMode.REMOTE,
                )  # fmt: skip
            elif op == "close" and not closed:
                closed = True
                await close_contract(ctx, APTEKA_NETWORK, "Koniec umowy")
            elif op == "issue" and draft == REST:
                clock.advance(datetime(2027, 1, 2, 9, tzinfo=FIRM_ZONE) - clock.now())
                if (await build_statement(ctx, APTEKA, *REST)).is_empty:
                    continue
                await issue_statement(ctx, APTEKA, *REST)
                kept[REST] = await documents(ctx, APTEKA, REST)
                periods.append(REST)
                draft = (date(2027, 1, 1), date(2027, 1, 31))
        for period, docs in kept.items():
            assert await documents(ctx, APTEKA, period) == docs
        # What the issued documents bill, read from the documents themselves.
        billed = sum(
            (Decimal(json.loads(kept[p]["json"] or "")["totals"]["net"]) for p in periods),
            Decimal("0.00"),
        )
        billed += (await build_statement(ctx, APTEKA, *draft)).net
        costs = Decimal("0.00")
        for period in [*periods, draft]:
            costs += (await build_statement(ctx, APTEKA, *period)).work_net
        assert billed == costs
    finally:
        await db.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_issued_documents_never_change_and_all_statements_bill_the_corrected_work(
    demo_template: Path, prices: PriceList, ops: list[tuple[str, int, int]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        shutil.copy(demo_template, path)
        asyncio.run(_scenario(path, prices, ops))


async def test_an_admin_adds_forgotten_work_to_an_issued_period(demo_ctx: Ctx) -> None:
    import pytest

    from bbdispatch.domain.errors import NotAllowed
    from bbdispatch.services.corrections import add_late_entry

    await work(demo_ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
    await issue_statement(demo_ctx, APTEKA, *TO_23)
    before = await documents(demo_ctx, APTEKA, TO_23)
    job = int((await build_statement(demo_ctx, APTEKA, *TO_23)).lines[-1].job_number)
    start = datetime(2026, 11, 21, 19, tzinfo=FIRM_ZONE)
    late = {
        "job_id": job, "technician_id": await on_job(demo_ctx, job), "started_at": start,
        "ended_at": start + timedelta(minutes=60), "description": "Dojazd i konfiguracja",
        "reason": "Technik zapomniał wpisać",
    }  # fmt: skip
    with pytest.raises(NotAllowed):
        await add_late_entry(demo_ctx.acting_as("beata"), **late)  # type: ignore[arg-type]
    entry = await add_late_entry(demo_ctx, **late)  # type: ignore[arg-type]
    assert await documents(demo_ctx, APTEKA, TO_23) == before
    draft = await build_statement(demo_ctx, APTEKA, *REST)
    [line] = draft.corrections
    assert (line.refers_to, line.minutes_delta, line.net_delta) == (
        "WP/2026/11/001", 60, Decimal("100.00"),
    )  # fmt: skip
    assert "Technik zapomniał wpisać" in line.reason
    row = await demo_ctx.db.fetch_one("SELECT statement_id FROM work_entry WHERE id = ?", (entry,))
    assert row is not None and row["statement_id"] == 1  # locked with the issued period


async def test_a_draft_overlapping_an_issued_period_bills_only_what_is_not_issued(
    demo_ctx: Ctx,
) -> None:
    """A draft for 01.11–30.11 after 01.11–23.11 was issued repeated the issued work."""
    issued_work = await work(demo_ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
    await issue_statement(demo_ctx, APTEKA, *TO_23)
    later = await work(demo_ctx, APTEKA, 30, day=24, hour=8, category=Category.NETWORK)
    draft = await build_statement(demo_ctx, APTEKA, date(2026, 11, 1), date(2026, 11, 30))
    # The draft starts after the issued period: it bills every day once.
    assert (draft.period_from, draft.period_to) == (date(2026, 11, 24), date(2026, 11, 30))
    ids = [ln.entry_id for ln in draft.lines]
    assert issued_work not in ids and later in ids
    assert all(ln.day > TO_23[1] for ln in draft.lines)
    assert draft.net == Decimal("50.00")  # the 0,5 h after the issued period, nothing twice
    # A correction to the issued entry comes once, as a correction line.
    await shorten(demo_ctx, issued_work, 30, "Klient zgłosił błędną godzinę końca")
    draft = await build_statement(demo_ctx, APTEKA, date(2026, 11, 1), date(2026, 11, 30))
    assert [(c.refers_to, c.net_delta) for c in draft.corrections] == [
        ("WP/2026/11/001", Decimal("-25.00"))
    ]
    assert draft.net == Decimal("25.00")


async def test_a_draft_overlapping_an_issued_month_bills_its_fee_once(demo_ctx: Ctx) -> None:
    zdrowie = 3
    october = (date(2026, 10, 1), date(2026, 10, 31))
    issued = await build_statement(demo_ctx, zdrowie, *october)
    assert [f.months for f in issued.fees] == [1]
    await issue_statement(demo_ctx, zdrowie, *october)
    draft = await build_statement(demo_ctx, zdrowie, date(2026, 10, 1), date(2026, 11, 30))
    assert draft.period_from == date(2026, 11, 1)  # October is issued
    assert [f.months for f in draft.fees] == [1]  # November only; October's is issued
    assert draft.lines and not [ln for ln in draft.lines if ln.day <= october[1]]


async def test_a_reopened_issued_statement_names_the_entries_its_corrections_carry(
    demo_ctx: Ctx,
) -> None:
    """Issue 15's leftover: a re-opened issued statement showed carried corrections as entry 0."""
    entry = await work(demo_ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
    await issue_statement(demo_ctx, APTEKA, *TO_23)
    await shorten(demo_ctx, entry, 30, "Klient zgłosił błędną godzinę końca")
    demo_ctx.clock.advance(timedelta(days=40))  # type: ignore[attr-defined]
    await issue_statement(demo_ctx, APTEKA, *REST)
    reopened = await build_statement(demo_ctx, APTEKA, *REST)
    assert [(c.entry_id, c.refers_to, c.net_delta) for c in reopened.corrections] == [
        (entry, "WP/2026/11/001", Decimal("-25.00"))
    ]
    kept = await issued_document(demo_ctx, APTEKA, *REST, "json")
    assert kept is not None
    assert json.loads(kept)["corrections"][0]["entry_id"] == entry


# The order of corrections never changes the money (issue 20 follow-up): after a
# block is closed post-issue, 9:00 → 7:00 billed 200 zł directly but 300 zł via
# 9:00 → 10:00 → 7:00, and 9:00 → 11:00 → 10:00 billed a reduction as 100 zł.

corrections_in_any_order = st.tuples(
    st.booleans(),
    st.lists(st.tuples(st.integers(0, 2), st.integers(6, 14)), min_size=1, max_size=5),
)


async def received_early(ctx: Ctx, entry_id: int, day: int) -> None:
    """The entry's job came in at 06:00 that day: work corrected to start earlier stays on it."""
    from bbdispatch.storage.work import get_entry
    from tests.unit.test_ledger_scenarios import received_at

    entry = await get_entry(ctx.db, entry_id)
    assert entry is not None
    await received_at(ctx, entry.job_id, datetime(2026, 11, day, 6, tzinfo=FIRM_ZONE))


async def _billed_after(
    path: Path, prices: PriceList, close: bool, corrections: list[tuple[int, int]]
) -> tuple[Decimal, Decimal, list[tuple[int, int, Decimal]]]:
    """Issued net + next draft's net, what the final work costs, and the draft's correction
    lines (entry, minutes, money), after the corrections."""
    db = await Database.open(path)
    ctx = Ctx(db=db, clock=FrozenClock(DEMO_NOW), prices=prices, actor="tester")
    try:
        # 4 h + 4 h + 3 h on the notary's 9 h block: the last entry is 2 h uncovered.
        entries = [await work(ctx, NOTARIUSZ, h * 60, day=d, hour=12) for d, h in ((18, 4), (19, 4), (20, 3))]  # fmt: skip
        for entry, day in zip(entries, (18, 19, 20), strict=True):
            await received_early(ctx, entry, day)  # corrections start as early as 06:00
        await issue_statement(ctx, NOTARIUSZ, *TO_23)
        before = await documents(ctx, NOTARIUSZ, TO_23)
        if close:
            await close_contract(ctx, NOTARIUSZ_BLOCK, "Umowa rozwiązana")
        for index, hour in corrections:
            day = 18 + index
            await correct_locked_entry(
                ctx, entries[index], started_at=datetime(2026, 11, day, hour, tzinfo=FIRM_ZONE),
                ended_at=datetime(2026, 11, day, (16, 16, 15)[index], tzinfo=FIRM_ZONE),
                description="Poprawiony wpis", reason="Korekta", long=True,
            )  # fmt: skip
        assert await documents(ctx, NOTARIUSZ, TO_23) == before
        issued = Decimal(json.loads(before["json"] or "")["totals"]["net"])
        draft = await build_statement(ctx, NOTARIUSZ, *REST)
        now = await build_statement(ctx, NOTARIUSZ, *TO_23)
        lines = [(c.entry_id, c.minutes_delta, c.net_delta) for c in draft.corrections]
        return issued + draft.net, now.work_net + draft.work_net, sorted(lines)
    finally:
        await db.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=corrections_in_any_order)
@example(case=(False, [(0, 14), (0, 13)]))  # the one below: the totals hold
def test_the_order_of_corrections_never_changes_what_is_billed(
    demo_template: Path, prices: PriceList, case: tuple[bool, list[tuple[int, int]]]
) -> None:
    close, corrections = case
    final = list({index: (index, hour) for index, hour in corrections}.values())
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for sequence in (corrections, final):
            path = Path(tmp) / f"demo{len(results)}.db"
            shutil.copy(demo_template, path)
            results.append(asyncio.run(_billed_after(path, prices, close, sequence)))
    (billed, costs, lines), (billed_final, costs_final, lines_final) = results
    assert billed == costs
    assert billed == billed_final and costs == costs_final
    assert lines == lines_final  # each entry's line, not only the total


def test_a_line_whose_hours_fall_never_bills_more(demo_template: Path, prices: PriceList) -> None:
    """4 h issued, corrected to 2 h then back to 3 h: the freed hour went to the
    uncovered work meanwhile, so the entry's line reads -1 h +100 zł and the
    other's -200 zł (total -100 zł, right). Corrected straight to 3 h the lines
    read -1 h 0 zł and -100 zł. The entry should take its issued hour back."""

    async def lines(path: Path) -> list[tuple[int, Decimal]]:
        db = await Database.open(path)
        ctx = Ctx(db=db, clock=FrozenClock(DEMO_NOW), prices=prices, actor="tester")
        try:
            entries = [await work(ctx, NOTARIUSZ, h * 60, day=d, hour=12) for d, h in ((18, 4), (19, 4), (20, 3))]  # fmt: skip
            for entry, day in zip(entries, (18, 19, 20), strict=True):
                await received_early(ctx, entry, day)
            await issue_statement(ctx, NOTARIUSZ, *TO_23)
            for hour in (14, 13):
                await correct_locked_entry(
                    ctx, entries[0], started_at=datetime(2026, 11, 18, hour, tzinfo=FIRM_ZONE),
                    ended_at=datetime(2026, 11, 18, 16, tzinfo=FIRM_ZONE),
                    description="Poprawiony wpis", reason="Korekta", long=True,
                )  # fmt: skip
            draft = await build_statement(ctx, NOTARIUSZ, *REST)
            return [(c.minutes_delta, c.net_delta) for c in draft.corrections]
        finally:
            await db.close()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        shutil.copy(demo_template, path)
        got = asyncio.run(lines(path))
    assert all(net <= 0 for minutes, net in got if minutes < 0), got
    # The same lines as corrected straight to 3 h: the entry took its issued hour back.
    assert got == [(-60, Decimal("0.00")), (0, Decimal("-100.00"))]


async def test_block_closed_then_9_to_7_bills_the_same_directly_or_via_10(demo_ctx: Ctx) -> None:
    """The tester's case: the same final work, 200 zł whichever way it was corrected."""
    entry = await work(demo_ctx, NOTARIUSZ, 3 * 60, day=20, hour=9)
    await received_early(demo_ctx, entry, 20)  # the job came in before the corrected 07:00
    await issue_statement(demo_ctx, NOTARIUSZ, *TO_23)
    await close_contract(demo_ctx, NOTARIUSZ_BLOCK, "Umowa rozwiązana")
    for hour in (10, 7):
        await correct_locked_entry(
            demo_ctx, entry, started_at=datetime(2026, 11, 20, hour, tzinfo=FIRM_ZONE),
            ended_at=datetime(2026, 11, 20, 12, tzinfo=FIRM_ZONE), description="Poprawiony wpis",
            reason="Korekta", long=True,
        )  # fmt: skip
    draft = await build_statement(demo_ctx, NOTARIUSZ, *REST)
    # 3 h stay on the block as issued; the 2 h more are new, uncovered time.
    assert [(c.minutes_delta, c.net_delta) for c in draft.corrections] == [(120, Decimal("200.00"))]


def test_time_add_into_an_issued_period_names_late_and_a_reissue_names_the_number(
    demo_db_path: Path, prices: PriceList, capsys: pytest.CaptureFixture[str]
) -> None:
    """The refusal said "ask the office" (the office is who types it) and named an internal id."""
    from bbdispatch.cli import main

    async def issue() -> int:
        db = await Database.open(demo_db_path)
        ctx = Ctx(db=db, clock=FrozenClock(DEMO_NOW), prices=prices, actor="tester")
        try:
            entry = await work(ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
            await issue_statement(ctx, APTEKA, *TO_23)
            with pytest.raises(DomainError) as again:
                await issue_statement(ctx, APTEKA, date(2026, 11, 20), date(2026, 11, 22))
            assert str(again.value) == "Statement WP/2026/11/001 for 01/11/2026–23/11/2026 is already issued."  # fmt: skip
            row = await db.fetch_one("SELECT job_id FROM work_entry WHERE id = ?", (entry,))
            assert row is not None
            return int(row["job_id"])
        finally:
            await db.close()

    job = asyncio.run(issue())
    add = ["--db", str(demo_db_path), "--as", "tester", "time", "add", "--job", str(job), "--tech", "marek",
           "--from", "2026-11-21T10:00", "--to", "2026-11-21T11:00", "--text", "Konfiguracja"]  # fmt: skip
    assert main(add) == 1
    err = capsys.readouterr().err
    assert "already on an issued statement" in err
    assert "--late REASON" in err
    assert main([*add, "--late", "Technik zapomniał wpisać"]) == 0
    assert "entry" in capsys.readouterr().out


# The lines, not only the total, depend only on the issued document and the final
# work: any order of the same corrections, late entries and a block closed after
# issue gives the same correction lines (each named by its entry's start).

Op = tuple[str, int, int]

changes_after_issue = st.lists(
    st.one_of(
        st.tuples(st.just("correct"), st.integers(0, 2), st.integers(6, 14)),
        st.tuples(st.just("late"), st.integers(0, 2), st.integers(1, 4)),
        st.tuples(st.just("close"), st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=7,
)


def final_values(ops: list[Op]) -> list[Op]:
    """The same final work, reached directly: each entry's last value, each late entry once."""
    corrections = {a: (op, a, b) for op, a, b in ops if op == "correct"}
    late: dict[int, Op] = {}
    for op, a, b in ops:
        if op == "late":
            late.setdefault(a, (op, a, b))
    closing = [("close", 0, 0)] if any(op == "close" for op, _a, _b in ops) else []
    return [*corrections.values(), *late.values(), *closing]


async def _lines_after(
    path: Path, prices: PriceList, ops: list[Op]
) -> tuple[list[tuple[datetime | None, int, Decimal]], Decimal, Decimal]:
    """The draft's correction lines (by entry start), all billed, and what the work costs."""
    from bbdispatch.services.corrections import add_late_entry
    from bbdispatch.storage.work import get_entry

    db = await Database.open(path)
    ctx = Ctx(db=db, clock=FrozenClock(DEMO_NOW), prices=prices, actor="tester")
    try:
        # 4 h + 4 h + 3 h on the notary's 9 h block: the last entry is 2 h uncovered.
        entries = [await work(ctx, NOTARIUSZ, h * 60, day=d, hour=12) for d, h in ((18, 4), (19, 4), (20, 3))]  # fmt: skip
        for entry, day in zip(entries, (18, 19, 20), strict=True):
            await received_early(ctx, entry, day)
        job = (await get_entry(db, entries[0])).job_id  # type: ignore[union-attr]
        await issue_statement(ctx, NOTARIUSZ, *TO_23)
        before = await documents(ctx, NOTARIUSZ, TO_23)
        added: set[int] = set()
        for op, a, b in ops:
            if op == "correct":
                day = 18 + a
                await correct_locked_entry(
                    ctx, entries[a], started_at=datetime(2026, 11, day, b, tzinfo=FIRM_ZONE),
                    ended_at=datetime(2026, 11, day, (16, 16, 15)[a], tzinfo=FIRM_ZONE),
                    description="Poprawiony wpis", reason="Korekta", long=True,
                )  # fmt: skip
            elif op == "late" and a not in added:
                added.add(a)
                start = datetime(2026, 11, 21, 14 + 2 * a, tzinfo=FIRM_ZONE)
                await add_late_entry(
                    ctx, job_id=job, technician_id=1, started_at=start,
                    ended_at=start + timedelta(minutes=30 * b), description="Praca",
                    reason="Technik zapomniał wpisać",
                )  # fmt: skip
            elif op == "close":
                with contextlib.suppress(DomainError):  # closed already
                    await close_contract(ctx, NOTARIUSZ_BLOCK, "Umowa rozwiązana")
        assert await documents(ctx, NOTARIUSZ, TO_23) == before
        draft = await build_statement(ctx, NOTARIUSZ, *REST)
        starts = {}
        for c in draft.corrections:
            found = await get_entry(db, c.entry_id) if c.entry_id else None
            starts[c.entry_id] = found.started_at if found else None
        lines = sorted(
            ((starts[c.entry_id], c.minutes_delta, c.net_delta) for c in draft.corrections),
            key=lambda x: (x[0] is None, x[0] or DEMO_NOW, x[1], x[2]),
        )
        issued = Decimal(json.loads(before["json"] or "")["totals"]["net"])
        now = await build_statement(ctx, NOTARIUSZ, *TO_23)
        return lines, issued + draft.net, now.work_net + draft.work_net
    finally:
        await db.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=changes_after_issue)
@example(ops=[("correct", 0, 14), ("correct", 0, 13)])  # 4 h → 2 h → 3 h
@example(ops=[("correct", 0, 14), ("close", 0, 0), ("correct", 0, 13), ("late", 0, 2)])
@example(ops=[("late", 1, 4), ("correct", 1, 14), ("close", 0, 0), ("correct", 2, 8)])
def test_any_order_of_the_same_changes_gives_the_same_correction_lines(
    demo_template: Path, prices: PriceList, ops: list[Op]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for sequence in (ops, final_values(ops)):
            path = Path(tmp) / f"demo{len(results)}.db"
            shutil.copy(demo_template, path)
            results.append(asyncio.run(_lines_after(path, prices, sequence)))
    (lines, billed, costs), (lines_final, billed_final, costs_final) = results
    assert billed == costs and billed_final == costs_final
    assert lines == lines_final
    # A line whose hours fall never bills more, nor one whose hours rise credits.
    for _start, minutes, net in lines:
        assert not (minutes < 0 < net or net < 0 < minutes)


async def test_a_draft_never_overlaps_an_issued_period(demo_ctx: Ctx) -> None:
    """A draft for 01.11–30.11 after 01.11–23.11 was issued showed 01.11–30.11, a period
    that can never be issued: it is cut to 24.11–30.11, or refused naming the number."""
    from bbdispatch.services.statements import PeriodIssued, draft_period

    await work(demo_ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
    await issue_statement(demo_ctx, APTEKA, *TO_23)
    cut = await draft_period(demo_ctx, APTEKA, date(2026, 11, 1), date(2026, 11, 30))
    assert (cut.start, cut.end) == (date(2026, 11, 24), date(2026, 11, 30))
    assert cut.note == (
        "The draft runs 24/11/2026–30/11/2026: WP/2026/11/001 covers 01/11/2026–23/11/2026."
    )
    before = await draft_period(demo_ctx, APTEKA, date(2026, 10, 20), date(2026, 11, 5))
    assert (before.start, before.end) == (date(2026, 10, 20), date(2026, 10, 31))
    with pytest.raises(PeriodIssued, match="WP/2026/11/001 for 01/11/2026–23/11/2026 is issued"):
        await build_statement(demo_ctx, APTEKA, date(2026, 11, 20), date(2026, 11, 22))
    with pytest.raises(PeriodIssued, match="WP/2026/11/001 .* inside this period"):
        await build_statement(demo_ctx, APTEKA, date(2026, 10, 1), date(2026, 11, 30))
    # The issued period itself is still shown as issued, and a clear one is untouched.
    assert (await build_statement(demo_ctx, APTEKA, *TO_23)).number == "WP/2026/11/001"
    assert (await draft_period(demo_ctx, APTEKA, *REST)).note == ""


def test_cli_draft_over_an_issued_period_is_cut_or_refused_with_exit_2(
    demo_db_path: Path, prices: PriceList, capsys: pytest.CaptureFixture[str]
) -> None:
    from bbdispatch.cli import main

    async def issue() -> None:
        db = await Database.open(demo_db_path)
        ctx = Ctx(db=db, clock=FrozenClock(DEMO_NOW), prices=prices, actor="tester")
        try:
            await work(ctx, APTEKA, 45, day=20, hour=12, category=Category.NETWORK)
            await issue_statement(ctx, APTEKA, *TO_23)
            await work(ctx, APTEKA, 30, day=24, hour=8, category=Category.NETWORK)
        finally:
            await db.close()

    asyncio.run(issue())
    base = ["--db", str(demo_db_path), "--as", "tester", "report", "statement", "--client", "5",
            "--format", "json"]  # fmt: skip
    assert main([*base, "--from", "2026-11-20", "--to", "2026-11-22"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bbdispatch: Statement WP/2026/11/001 for 01/11/2026–23/11/2026")
    assert main([*base, "--from", "2026-11-01", "--to", "2026-11-30"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["period"] == {"from": "2026-11-24", "to": "2026-11-30"}
    assert "WP/2026/11/001 covers 01/11/2026–23/11/2026" in err
