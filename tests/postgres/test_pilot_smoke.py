"""A Pilot smoke test on PostgreSQL: a known caller becomes a job, as on SQLite."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Static

from bbdispatch.app import BBDispatch
from bbdispatch.storage import jobs
from bbdispatch.storage.database import Database
from screens.board import BoardScreen
from screens.intake import IntakeScreen
from tests.helpers import DISPATCHER, settle, shown_ids, type_text


async def test_a_known_caller_becomes_a_job_on_the_board(
    pg_ctx_factory: Callable[..., Callable[[], object]], pg_demo_url: str
) -> None:
    app = BBDispatch(pg_ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        for key in "601234567":
            await pilot.press(key)
        await settle(pilot)
        assert app.screen.query_one("#phone", Input).value == "601 234 567"
        assert "Kancelaria Notarialna" in str(
            app.screen.query_one("#phone-status", Static).render()
        )
        await type_text(pilot, "Drukarka zacina papier")
        for key in ("enter", "r", "l", "1", "enter"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        db = await Database.open(pg_demo_url)
        try:
            newest = max(r.job.id for r in await jobs.open_job_rows(db))
            job = await jobs.get_job(db, newest)
        finally:
            await db.close()
        assert job is not None and job.description == "Drukarka zacina papier"
        assert job.client_id == 1 and job.caller_phone == "+48601234567"
        assert newest in shown_ids(app)
