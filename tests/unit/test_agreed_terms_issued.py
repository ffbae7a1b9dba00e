"""Agreed terms of a job whose work is on an issued statement stay as billed (issue 20's rule).

Changing a 350 zł job's fixed price to a rate (or dropping it) after its work was
issued credited the whole job, -350 zł on the next draft, and a dispatcher could
do it. Issued statements never change: the service refuses new terms for such a
job, naming the statement, in the TUI's job edit and ``jobs edit`` alike.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.dispatch import JobEdit, edit_job
from bbdispatch.services.jobs import create_job, get_job
from bbdispatch.services.statements import build_statement, issue_statement
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage.database import Database
from tests.conftest import DEMO_NOW
from tests.helpers import query
from tests.unit.test_ledger_scenarios import ANNA, NOV, ZIELINSKA, received_at

OCT = (date(2026, 10, 1), date(2026, 10, 31))


async def issued_350_job(ctx: Ctx) -> tuple[int, str]:
    """A 350 zł job of a private person, 1.5 h worked in October, that month issued."""
    job = await create_job(
        ctx,
        NewJob(
            client_id=ZIELINSKA, description="Cena ustalona", mode=JobMode.REMOTE,
            priority=Priority.NORMAL, category=Category.SOFTWARE, agreed_price=Decimal("350"),
        ),
    )  # fmt: skip
    start = datetime(2026, 10, 20, 9, 0, tzinfo=FIRM_ZONE)
    await received_at(ctx, job, start)
    await add_entry(
        ctx, job_id=job, technician_id=ANNA, started_at=start,
        ended_at=start + timedelta(minutes=90), description="Praca", mode=JobMode.REMOTE,
    )  # fmt: skip
    issued = await issue_statement(ctx, ZIELINSKA, *OCT)
    number = query_number(ctx, issued)
    return job, await number


async def query_number(ctx: Ctx, statement_id: int) -> str:
    row = await ctx.db.fetch_one("SELECT number FROM statement WHERE id = ?", (statement_id,))
    assert row is not None
    return str(row["number"])


@pytest.mark.parametrize(
    ("price", "rate"),
    [(None, Decimal("100")), (None, None), (Decimal("400"), None)],
)
async def test_new_terms_of_a_job_with_issued_work_are_refused_naming_the_statement(
    demo_ctx: Ctx, price: Decimal | None, rate: Decimal | None
) -> None:
    job_id, number = await issued_350_job(demo_ctx)
    job = await get_job(demo_ctx, job_id)
    with pytest.raises(DomainError) as refused:
        await edit_job(
            demo_ctx, job_id, JobEdit(job.description, job.priority, job.mode, None, price, rate)
        )
    assert number in str(refused.value) and job.number in str(refused.value)
    after = await get_job(demo_ctx, job_id)
    assert (after.agreed_price, after.agreed_rate) == (Decimal("350.00"), None)
    draft = await build_statement(demo_ctx, ZIELINSKA, *NOV)
    assert draft.corrections == ()  # no credit of the issued job


async def test_other_fields_of_such_a_job_and_terms_of_unbilled_jobs_still_change(
    demo_ctx: Ctx,
) -> None:
    job_id, _number = await issued_350_job(demo_ctx)
    job = await get_job(demo_ctx, job_id)
    changed = await edit_job(
        demo_ctx, job_id, JobEdit("Nowy opis", job.priority, job.mode, None, job.agreed_price)
    )
    assert changed == ["description"]
    fresh = await create_job(
        demo_ctx,
        NewJob(
            client_id=ZIELINSKA, description="Bez wykazu", mode=JobMode.REMOTE,
            priority=Priority.NORMAL, category=Category.SOFTWARE, agreed_price=Decimal("350"),
        ),
    )  # fmt: skip
    new = await get_job(demo_ctx, fresh)
    assert await edit_job(
        demo_ctx, fresh, JobEdit(new.description, new.priority, new.mode, None, None, Decimal(90))
    ) == ["agreed_price", "agreed_rate"]


def test_jobs_edit_refuses_new_terms_of_issued_work(
    demo_db_path: Path, prices: PriceList, capsys: pytest.CaptureFixture[str]
) -> None:
    async def setup() -> tuple[int, str]:
        db = await Database.open(demo_db_path)
        try:
            ctx = Ctx(db=db, clock=FrozenClock(DEMO_NOW), prices=prices, actor="tester")
            return await issued_350_job(ctx)
        finally:
            await db.close()

    job_id, number = asyncio.run(setup())
    capsys.readouterr()
    code = main(["--db", str(demo_db_path), "--as", "beata", "jobs", "edit", str(job_id),
                 "--rate", "100"])  # fmt: skip
    _out, err = capsys.readouterr()
    assert code == 1, err
    assert number in err and err.count("\n") == 1 and "Traceback" not in err
    assert query(
        demo_db_path, "SELECT agreed_price_grosze, agreed_rate_grosze FROM job WHERE id = ?",
        (job_id,),
    )[0][:] == (35000, None)  # fmt: skip
