"""Every path that moves a job obeys one table and writes one audit vocabulary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.people import Technician
from bbdispatch.services.audit import trail
from bbdispatch.services.context import Ctx
from bbdispatch.services.dispatch import change_status
from bbdispatch.services.jobs import get_job
from bbdispatch.services.workspace import finish_job, put_on_hold, start_work
from bbdispatch.storage.jobs import status_history
from bbdispatch.storage.people import person_by_login

S = JobStatus
KANCELARIA = 12  # assigned to marek, visit planned
FORMA = 16  # assigned to kasia, remote
LINGWA = 14  # triaged, nobody assigned
ROOT = Path(__file__).resolve().parents[2]


async def person(ctx: Ctx, login: str) -> Technician:
    found = await person_by_login(ctx.db, login)
    assert found is not None
    return found


async def _last_status_audit(ctx: Ctx, job_id: int) -> dict[str, object]:
    entries = [a for a in await trail(ctx, "job", job_id) if a.action == "status"]
    return entries[-1].detail


async def test_dispatcher_and_technician_may_both_close_an_assigned_job(demo_ctx: Ctx) -> None:
    # Issue 13: finish_job moved ASSIGNED→DONE while the dispatcher was refused it.
    assert (await get_job(demo_ctx, KANCELARIA)).status is S.ASSIGNED
    await change_status(demo_ctx, KANCELARIA, S.DONE, "Drukarka wyczyszczona.")
    kasia = await person(demo_ctx, "kasia")
    assert (await get_job(demo_ctx, FORMA)).status is S.ASSIGNED
    await finish_job(demo_ctx, kasia, FORMA, "Szkolenie przeprowadzone.")
    for job_id, note in (
        (KANCELARIA, "Drukarka wyczyszczona."),
        (FORMA, "Szkolenie przeprowadzone."),
    ):
        job = await get_job(demo_ctx, job_id)
        assert (job.status, job.resolution) == (S.DONE, note)
        assert job.closed_at is not None
        last = (await status_history(demo_ctx.db, job_id))[-1]
        assert (last.from_status, last.to_status, last.note) == (S.ASSIGNED, S.DONE, note)
        assert await _last_status_audit(demo_ctx, job_id) == {
            "from_status": "assigned", "to_status": "done", "note": note,
        }  # fmt: skip


async def test_a_step_refused_to_the_dispatcher_is_refused_to_the_technician(
    demo_ctx: Ctx,
) -> None:
    kasia = await person(demo_ctx, "kasia")
    await change_status(demo_ctx, FORMA, S.CANCELLED, "Klient odwołał.")
    with pytest.raises(DomainError, match="cannot become") as dispatcher:
        await change_status(demo_ctx, FORMA, S.IN_PROGRESS)
    with pytest.raises(DomainError, match="cannot become") as technician:
        await start_work(demo_ctx, kasia, FORMA)
    assert str(dispatcher.value) == str(technician.value)


async def test_both_paths_clear_the_hold_reason_when_work_resumes(demo_ctx: Ctx) -> None:
    kasia = await person(demo_ctx, "kasia")
    await put_on_hold(demo_ctx, kasia, FORMA, "Czekamy na klienta")
    assert (await get_job(demo_ctx, FORMA)).status_reason == "Czekamy na klienta"
    await change_status(demo_ctx, FORMA, S.IN_PROGRESS)
    assert (await get_job(demo_ctx, FORMA)).status_reason == ""


def test_only_the_lifecycle_service_writes_a_status() -> None:
    """No service writes a job's status except through services/lifecycle.py."""
    offenders = []
    for path in sorted((ROOT / "bbdispatch").rglob("*.py")):
        if path.name == "lifecycle.py" or path.parent.name == "storage":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in (
                "record_transition", "insert_status_change", "update_job_fields",
            ):  # fmt: skip
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert offenders == []
