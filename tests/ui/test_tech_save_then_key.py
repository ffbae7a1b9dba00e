"""On the technician's list a key typed after a save acts on the list as saved (issue 13).

The board's kind (``^s a`` on the new job) on ``bbdispatch tech``: ``p`` puts
a job on hold in progress again; the list read 'on hold' until a reload in the background,
so a key read next was offered or refused by the old status. The reload is
slowed here to stand in for a server's latency.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.message import Message
from textual.worker import Worker, WorkerState

import bbdispatch.services.workspace as workspace
import screens.tech_jobs
from bbdispatch.app import BBDispatch
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.people import Technician
from screens.tech_jobs import TechJobsScreen
from tests.helpers import burst, settle, settle_until


async def test_working_is_listed_before_the_next_key_is_read(
    ctx_factory: Any, anna: Technician, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[JobStatus | None] = []
    app_ref: list[BBDispatch] = []

    def hook(message: Message) -> None:
        if not (isinstance(message, Worker.StateChanged) and app_ref):
            return
        if message.worker.group == "tech-action" and message.state is WorkerState.SUCCESS:
            screen = app_ref[0].screen
            assert isinstance(screen, TechJobsScreen)
            job_id = screen.selected_job_id
            row = next((r for r in screen._rows if r.job.id == job_id), None)
            seen.append(None if row is None else row.job.status)

    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    app_ref.append(app)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TechJobsScreen)
        held = [r.job.id for r in screen._rows if r.job.status is JobStatus.ON_HOLD]
        assert held, [r.job.status for r in screen._rows]
        table = screen.query_one("#my-jobs")
        while screen.selected_job_id != held[0]:
            await pilot.press("down")
        real = workspace.my_jobs

        async def slow(*args: Any) -> Any:
            await asyncio.sleep(0.3)
            return await real(*args)

        monkeypatch.setattr(screens.tech_jobs, "my_jobs", slow)
        assert table is not None
        burst(app, "p")
        await settle_until(pilot, lambda: bool(seen))
        await settle(pilot)
    assert seen == [JobStatus.IN_PROGRESS]
