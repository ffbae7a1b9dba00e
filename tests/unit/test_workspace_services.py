"""The technician's services: own jobs only, one timer, entries that never overlap."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.errors import DomainError, NotAllowed
from bbdispatch.domain.jobs import JobMode, JobStatus
from bbdispatch.domain.people import Technician
from bbdispatch.services.audit import trail
from bbdispatch.services.context import Ctx
from bbdispatch.services.my_entries import (
    add_my_entry,
    delete_my_entry,
    edit_my_entry,
    my_recent_entries,
)
from bbdispatch.services.timekeeping import (
    TimerRunning,
    running_timer,
    start_timer,
    stop_timer,
    timer_is_forgotten,
)
from bbdispatch.services.workspace import (
    finish_job,
    job_card,
    my_jobs,
    put_on_hold,
    start_work,
)
from bbdispatch.storage import people as people_store
from bbdispatch.storage import work as work_store


async def person(ctx: Ctx, login: str) -> Technician:
    found = await people_store.person_by_login(ctx.db, login)
    assert found is not None
    return found


async def count(ctx: Ctx, sql: str, *params: object) -> int:
    return int(await ctx.db.fetch_value(sql, params))


async def test_my_jobs_are_only_mine_emergencies_first(demo_ctx: Ctx) -> None:
    anna = await person(demo_ctx, "anna")
    rows = await my_jobs(demo_ctx, anna)
    assert rows
    assert all(r.job.technician_id == anna.id and r.job.status.is_open for r in rows)
    assert rows[0].job.priority.value == "emergency"
    card = await job_card(demo_ctx, anna, rows[0].job.id)
    assert card.contact_phone
    assert card.contact_phone.startswith("+48")
    assert card.site_address
    assert card.balances
    assert "BB/" in card.balances[0]


async def test_another_technicians_job_is_unreachable(demo_ctx: Ctx) -> None:
    anna, piotr = await person(demo_ctx, "anna"), await person(demo_ctx, "piotr")
    piotrs = (await my_jobs(demo_ctx, piotr))[0].job.id
    now = demo_ctx.clock.now()
    attempts = [
        job_card(demo_ctx, anna, piotrs),
        start_timer(demo_ctx, anna, piotrs),
        start_work(demo_ctx, anna, piotrs),
        put_on_hold(demo_ctx, anna, piotrs, "no"),
        finish_job(demo_ctx, anna, piotrs, "done"),
        add_my_entry(
            demo_ctx, anna, piotrs, started_at=now - timedelta(hours=30),
            ended_at=now - timedelta(hours=29), description="x", mode=JobMode.REMOTE,
        ),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(NotAllowed, match="not assigned to you"):
            await attempt
    piotrs_entry = (await my_recent_entries(demo_ctx, piotr))[0]
    with pytest.raises(NotAllowed, match="not yours"):
        await delete_my_entry(demo_ctx, anna, piotrs_entry.id)
    with pytest.raises(NotAllowed, match="not yours"):
        await edit_my_entry(
            demo_ctx, anna, piotrs_entry.id, started_at=now - timedelta(hours=2),
            ended_at=now - timedelta(hours=1), description="x", mode=JobMode.REMOTE,
            billable=True,
        )  # fmt: skip
    assert piotrs not in {r.job.id for r in await my_jobs(demo_ctx, anna)}


async def test_one_timer_stop_needs_description_and_charges(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    anna = await person(demo_ctx, "anna")
    running = await running_timer(demo_ctx, anna)
    assert running is not None
    other = next(r.job.id for r in await my_jobs(demo_ctx, anna) if r.job.id != running.job_id)
    with pytest.raises(TimerRunning, match=f"job {running.job_id}") as refused:
        await start_timer(demo_ctx, anna, other)
    assert refused.value.entry.id == running.id
    with pytest.raises(DomainError, match="Describe the work"):
        await stop_timer(demo_ctx, anna, description=" ", mode=JobMode.ONSITE)
    await stop_timer(demo_ctx, anna, description="Restart serwera", mode=JobMode.ONSITE)
    stopped = await work_store.get_entry(demo_ctx.db, running.id)
    assert stopped is not None
    assert stopped.ended_at == clock.now()
    assert stopped.description == "Restart serwera"
    assert await count(demo_ctx, "SELECT SUM(minutes) FROM charge WHERE work_entry_id = ?",
                       running.id) == 45  # fmt: skip
    new_id = await start_timer(demo_ctx, anna, other)
    assert (await running_timer(demo_ctx, anna)).id == new_id  # type: ignore[union-attr]
    assert await count(demo_ctx, "SELECT status = 'in_progress' FROM job WHERE id = ?",
                       other) == 1  # fmt: skip


async def test_forgotten_timer_is_flagged(demo_ctx: Ctx, clock: FrozenClock) -> None:
    anna = await person(demo_ctx, "anna")
    running = await running_timer(demo_ctx, anna)
    assert running is not None
    assert not timer_is_forgotten(demo_ctx, running)
    clock.advance(timedelta(hours=10))
    assert timer_is_forgotten(demo_ctx, running)


async def test_manual_entry_and_overlap_refusal(demo_ctx: Ctx) -> None:
    anna = await person(demo_ctx, "anna")
    job_id = (await my_jobs(demo_ctx, anna))[0].job.id
    now = demo_ctx.clock.now()
    entry_id = await add_my_entry(
        demo_ctx, anna, job_id, started_at=now - timedelta(hours=3),
        ended_at=now - timedelta(hours=2), description="Diagnoza zdalna", mode=JobMode.REMOTE,
        billable=False,
    )  # fmt: skip
    entry = await work_store.get_entry(demo_ctx.db, entry_id)
    assert entry is not None
    assert not entry.billable
    assert entry.mode is JobMode.REMOTE
    assert await count(demo_ctx, "SELECT COUNT(*) FROM charge WHERE work_entry_id = ?",
                       entry_id) == 0  # fmt: skip
    with pytest.raises(DomainError, match=f"Overlaps your entry on job {job_id}"):
        await add_my_entry(
            demo_ctx, anna, job_id, started_at=now - timedelta(hours=2, minutes=30),
            ended_at=now - timedelta(hours=1, minutes=50), description="x", mode=JobMode.REMOTE,
        )  # fmt: skip
    with pytest.raises(NotAllowed, match="last 7 days"):
        await add_my_entry(
            demo_ctx, anna, job_id, started_at=now - timedelta(days=8),
            ended_at=now - timedelta(days=8) + timedelta(hours=1), description="x",
            mode=JobMode.REMOTE,
        )  # fmt: skip


async def test_edit_is_audited_recharged_and_locked_entries_refused(demo_ctx: Ctx) -> None:
    anna = await person(demo_ctx, "anna")
    entry = next(e for e in await my_recent_entries(demo_ctx, anna) if not e.running)
    await edit_my_entry(
        demo_ctx, anna, entry.id, started_at=entry.started_at,
        ended_at=entry.started_at + timedelta(minutes=100), description="Poprawiony opis",
        mode=JobMode.ONSITE, billable=True,
    )  # fmt: skip
    assert await count(demo_ctx, "SELECT SUM(minutes) FROM charge WHERE work_entry_id = ?",
                       entry.id) == 105  # fmt: skip
    actions = [a.action for a in await trail(demo_ctx, "work_entry", entry.id)]
    assert "edited" in actions
    async with demo_ctx.db.transaction():
        statement = await demo_ctx.db.execute(
            "INSERT INTO statement (client_id, period_from, period_to, issued_at, issued_by)"
            " VALUES (1, '2026-11-01', '2026-11-30', '2026-11-24T08:00:00Z', 'beata')"
        )
        await demo_ctx.db.execute(
            "UPDATE work_entry SET statement_id = ? WHERE id = ?", (statement, entry.id)
        )
    with pytest.raises(NotAllowed, match="already on an issued statement"):
        await delete_my_entry(demo_ctx, anna, entry.id)
    with pytest.raises(NotAllowed, match="already on an issued statement"):
        await edit_my_entry(
            demo_ctx, anna, entry.id, started_at=entry.started_at,
            ended_at=entry.started_at + timedelta(minutes=10), description="x",
            mode=JobMode.ONSITE, billable=True,
        )  # fmt: skip


async def test_delete_own_entry_is_audited(demo_ctx: Ctx) -> None:
    anna = await person(demo_ctx, "anna")
    entry = next(e for e in await my_recent_entries(demo_ctx, anna) if not e.running)
    await delete_my_entry(demo_ctx, anna, entry.id)
    assert await work_store.get_entry(demo_ctx.db, entry.id) is None
    assert [a.action for a in await trail(demo_ctx, "work_entry", entry.id)][-1] == "deleted"


async def test_job_progress_rules(demo_ctx: Ctx) -> None:
    anna = await person(demo_ctx, "anna")
    running = await running_timer(demo_ctx, anna)
    assert running is not None
    job_id = running.job_id
    with pytest.raises(DomainError, match="resolved"):
        await finish_job(demo_ctx, anna, job_id, "  ")
    with pytest.raises(DomainError, match="timer is still running"):
        await finish_job(demo_ctx, anna, job_id, "Serwer naprawiony")
    with pytest.raises(DomainError, match="Say why"):
        await put_on_hold(demo_ctx, anna, job_id, "")
    await put_on_hold(demo_ctx, anna, job_id, "Czekamy na dysk")
    assert await running_timer(demo_ctx, anna) is None  # on hold: the timer stopped
    await start_work(demo_ctx, anna, job_id)
    await finish_job(demo_ctx, anna, job_id, "Serwer naprawiony")
    row = await demo_ctx.db.fetch_one("SELECT status, resolution FROM job WHERE id = ?", (job_id,))
    assert row is not None
    assert (row["status"], row["resolution"]) == (JobStatus.DONE.value, "Serwer naprawiony")
    history = await demo_ctx.db.fetch_all(
        "SELECT to_status, note FROM job_status_change WHERE job_id = ? ORDER BY id", (job_id,)
    )
    assert [(h["to_status"], h["note"]) for h in history][-3:] == [
        ("on_hold", "Czekamy na dysk"), ("in_progress", ""), ("done", "Serwer naprawiony"),
    ]  # fmt: skip
    actions = [a.action for a in await trail(demo_ctx, "job", job_id)]
    assert actions[-3:] == ["status", "status", "status"]
    with pytest.raises(DomainError, match="already closed"):
        await start_timer(demo_ctx, anna, job_id)


async def test_forgotten_timer_is_stopped_at_the_real_end(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    anna = await person(demo_ctx, "anna")
    running = await running_timer(demo_ctx, anna)
    assert running is not None
    clock.advance(timedelta(hours=20))
    real_end = running.started_at + timedelta(hours=2)
    with pytest.raises(DomainError, match="after the start"):
        await stop_timer(
            demo_ctx, anna, description="x", mode=JobMode.ONSITE, ended_at=running.started_at
        )
    await stop_timer(
        demo_ctx, anna, description="Naprawa serwera", mode=JobMode.ONSITE, ended_at=real_end
    )
    stopped = await work_store.get_entry(demo_ctx.db, running.id)
    assert stopped is not None
    assert stopped.ended_at == real_end


async def test_support_may_act_as_a_technician_but_not_the_reverse(demo_ctx: Ctx) -> None:
    from bbdispatch.services.people import identify

    assert (await identify(demo_ctx, "beata", "anna")).login == "anna"
    assert (await identify(demo_ctx, "bogdan", "anna")).login == "anna"
    with pytest.raises(NotAllowed, match="Only dispatchers and admins"):
        await identify(demo_ctx, "piotr", "anna")


async def test_acting_as_never_raises_rights(demo_ctx: Ctx) -> None:
    from bbdispatch.domain.errors import NotFound
    from bbdispatch.services.people import identify

    with pytest.raises(NotAllowed, match="only as a technician"):
        await identify(demo_ctx, "beata", "bogdan")  # a dispatcher becoming the admin
    assert (await identify(demo_ctx, "bogdan", "beata")).login == "beata"  # admins may
    with pytest.raises(NotFound):
        await identify(demo_ctx, "bogdan", "nobody")


async def test_a_closed_block_shows_as_closed_on_the_technicians_card(demo_ctx: Ctx) -> None:
    """A technician saw a closed block as "47 h left" (issue 20's tester)."""
    from bbdispatch.services.contracts import close_contract
    from bbdispatch.storage import contracts as contract_store

    marek = await person(demo_ctx, "marek")
    rows = await my_jobs(demo_ctx, marek)
    blocks = [
        (r.job, c)
        for r in rows
        for c in await contract_store.contracts_of(demo_ctx.db, r.job.client_id)
        if c.minutes_included and c.status.value == "active"
    ]
    job, contract = blocks[0]
    before = (await job_card(demo_ctx, marek, job.id)).balances
    assert any(contract.number in b and "left" in b for b in before)
    await close_contract(demo_ctx, contract.id, "Klient zrezygnował")
    after = [b for b in (await job_card(demo_ctx, marek, job.id)).balances if contract.number in b]
    assert len(after) == 1
    assert after[0].endswith(": closed, no hours left") and " h left" not in after[0]
