from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, JobStatus, Priority
from bbdispatch.domain.messages import shown
from bbdispatch.services.audit import trail
from bbdispatch.services.board import board_lines, candidates, find, job_detail
from bbdispatch.services.context import Ctx
from bbdispatch.services.dispatch import JobEdit, assign, change_status, edit_job
from bbdispatch.services.jobs import create_job, get_job
from bbdispatch.storage.jobs import status_history

S = JobStatus
ANNA, PIOTR, MAREK, KASIA = 1, 2, 3, 4
BILANS_EMERGENCY, KANCELARIA, LINGWA, ZIELINSKA, FORMA, APTEKA = 13, 12, 14, 17, 16, 15


async def _history_and_audit(ctx: Ctx, job_id: int) -> tuple[list[JobStatus], list[str]]:
    history = [c.to_status for c in await status_history(ctx.db, job_id)]
    actions = [a.action for a in await trail(ctx, "job", job_id)]
    return history, actions


async def test_a_job_walks_the_whole_happy_path(demo_ctx: Ctx) -> None:
    job_id = BILANS_EMERGENCY
    await change_status(demo_ctx, job_id, S.TRIAGED)
    result = await assign(demo_ctx, job_id, PIOTR)
    assert result.clash is None
    await change_status(demo_ctx, job_id, S.IN_PROGRESS)
    await change_status(demo_ctx, job_id, S.ON_HOLD, "czekamy na klucz licencyjny")
    await change_status(demo_ctx, job_id, S.IN_PROGRESS)
    await change_status(demo_ctx, job_id, S.DONE, "Licencja odnowiona.")
    job = await get_job(demo_ctx, job_id)
    assert job.status is S.DONE
    assert job.resolution == "Licencja odnowiona."
    assert job.closed_at is not None
    history, actions = await _history_and_audit(demo_ctx, job_id)
    assert history == [S.NEW, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.ON_HOLD, S.IN_PROGRESS,
                       S.DONE]  # fmt: skip
    assert actions.count("status") == 5
    assert "assigned" in actions


@pytest.mark.parametrize(
    ("job_id", "target", "note"),
    [
        (BILANS_EMERGENCY, S.CANCELLED, "klient sam naprawił"),
        (LINGWA, S.CANCELLED, "duplikat"),
        (KANCELARIA, S.TRIAGED, ""),
        (KANCELARIA, S.ON_HOLD, "czekamy na toner"),
        (KANCELARIA, S.CANCELLED, "rezygnacja"),
        (APTEKA, S.CANCELLED, "operator naprawił"),
        (18, S.CANCELLED, "pomyłka"),
    ],
)
async def test_other_allowed_steps(demo_ctx: Ctx, job_id: int, target: S, note: str) -> None:
    await change_status(demo_ctx, job_id, target, note)
    job = await get_job(demo_ctx, job_id)
    assert job.status is target
    if target is S.TRIAGED:
        assert job.technician_id is None
        assert job.visit_at is None
    history, actions = await _history_and_audit(demo_ctx, job_id)
    assert history[-1] is target
    assert actions[-1] == "status"


async def test_illegal_step_is_refused_and_nothing_is_written(demo_ctx: Ctx) -> None:
    before = await _history_and_audit(demo_ctx, LINGWA)
    with pytest.raises(DomainError, match="A job that is triaged cannot become done"):
        await change_status(demo_ctx, LINGWA, S.DONE, "done")
    assert await _history_and_audit(demo_ctx, LINGWA) == before


async def test_done_needs_a_resolution_and_no_running_timer(demo_ctx: Ctx) -> None:
    with pytest.raises(DomainError, match="resolution"):
        await change_status(demo_ctx, 18, S.DONE, "   ")
    with pytest.raises(DomainError, match="timer is still running"):
        await change_status(demo_ctx, 18, S.DONE, "Skrzynka powiększona.")
    with pytest.raises(DomainError, match="reason"):
        await change_status(demo_ctx, 18, S.CANCELLED, "")
    assert (await get_job(demo_ctx, 18)).status is S.IN_PROGRESS


async def test_reassigning_keeps_history_and_warns_about_clashing_visits(demo_ctx: Ctx) -> None:
    # Marek has job 12 (Kancelaria) on site tomorrow at 10:00.
    marek_visit = (await get_job(demo_ctx, KANCELARIA)).visit_at
    assert marek_visit is not None
    first = await assign(demo_ctx, ZIELINSKA, ANNA, marek_visit + timedelta(hours=1))
    assert first.clash is None
    second = await assign(demo_ctx, ZIELINSKA, MAREK, marek_visit + timedelta(minutes=60))
    assert second.clash is not None
    assert second.clash.job_id == KANCELARIA
    assert "Kancelaria" in second.clash.client_name
    job = await get_job(demo_ctx, ZIELINSKA)
    assert job.technician_id == MAREK
    assert job.status is S.ASSIGNED
    changes = await status_history(demo_ctx.db, ZIELINSKA)
    assert [c.technician_id for c in changes[-2:]] == [ANNA, MAREK]
    assert "handed over" in shown(changes[-1].note)
    actions = [a.action for a in await trail(demo_ctx, "job", ZIELINSKA)]
    assert actions[-2:] == ["assigned", "reassigned"]
    # Far enough apart (visit 90 min + travel 30 min): no warning.
    third = await assign(demo_ctx, ZIELINSKA, MAREK, marek_visit + timedelta(minutes=120))
    assert third.clash is None


async def test_onsite_rules(demo_ctx: Ctx) -> None:
    with pytest.raises(DomainError, match="Plan the visit"):
        await assign(demo_ctx, ZIELINSKA, ANNA)
    with pytest.raises(DomainError, match="does not do on-site work"):
        await assign(demo_ctx, ZIELINSKA, KASIA, datetime(2026, 11, 25, 9, tzinfo=FIRM_ZONE))


async def test_candidates_best_match_first(demo_ctx: Ctx) -> None:
    found = await candidates(demo_ctx, BILANS_EMERGENCY)  # remote software
    names = [c.person.login for c in found]
    assert names[0] == "kasia"  # skilled, no timer running, one open job
    piotr = next(c for c in found if c.person.login == "piotr")
    assert piotr.skill_match
    assert piotr.load.timer_running
    assert piotr.load.minutes_today == 40
    onsite = await candidates(demo_ctx, ZIELINSKA)  # on-site hardware
    assert onsite[-1].person.login == "kasia"
    assert not onsite[-1].can_do_job_mode


async def test_edit_is_audited_field_by_field(demo_ctx: Ctx) -> None:
    detail = await job_detail(demo_ctx, LINGWA)
    changed = await edit_job(
        demo_ctx, LINGWA,
        JobEdit("Nowy laptop — konfiguracja i Office", Priority.NORMAL, JobMode.REMOTE, None),
    )  # fmt: skip
    assert changed == ["description", "mode", "priority"]
    last = (await trail(demo_ctx, "job", LINGWA))[-1]
    assert last.action == "edited"
    assert last.detail["priority"] == {"from": "low", "to": "normal"}
    assert detail.line.row.job.priority is Priority.LOW
    with pytest.raises(DomainError, match="not this client's"):
        await edit_job(demo_ctx, LINGWA, JobEdit("x", Priority.LOW, JobMode.REMOTE, 1))


async def test_board_lines_and_flags(demo_ctx: Ctx) -> None:
    lines = await board_lines(demo_ctx)
    assert [ln.job_id for ln in lines][:2] == [11, 13]  # emergencies first, longest waiting
    by_id = {ln.job_id: ln for ln in lines}
    assert by_id[11].flags.breached
    assert by_id[11].flags.emergency
    assert not by_id[13].flags.breached
    assert by_id[APTEKA].response is not None
    assert by_id[APTEKA].response.paused
    job_id = await create_job(
        demo_ctx,
        NewJob(client_id=3, description="Kontrola kopii", mode=JobMode.REMOTE,
               priority=Priority.NORMAL, category=Category.BACKUP),
    )  # fmt: skip
    assert job_id in {ln.job_id for ln in await board_lines(demo_ctx)}


async def test_find_by_number_phone_and_name(demo_ctx: Ctx) -> None:
    assert [r.job.id for r in (await find(demo_ctx, "13")).jobs][:1] == [13]
    by_phone = await find(demo_ctx, "607 111 222")
    assert any("Przychodnia" in c.name for c in by_phone.clients)
    assert any("Bilans" in c.name for c in (await find(demo_ctx, "bilans")).clients)
