from __future__ import annotations

from textual.widgets import DataTable, Static

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Role, Technician
from screens.board import BoardScreen
from tests.helpers import DISPATCHER


async def test_app_starts_and_shows_open_jobs(ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        table = app.screen.query_one("#job-table", DataTable)
        assert table.row_count == 8
        first = [str(cell) for cell in table.get_row_at(0)]
        assert any("Przychodnia" in cell or "Bilans" in cell for cell in first)
        summary = str(app.screen.query_one("#board-summary", Static).render())
        assert "Open 8" in summary


async def test_support_login_acting_as_a_technician_is_named_in_the_audit(
    ctx_factory, demo_db_path
) -> None:
    import sqlite3

    from bbdispatch.services.workspace import start_work

    anna = Technician(
        id=1, login="anna", name="Anna Kamińska", role=Role.TECHNICIAN, does_onsite=True,
        phone=None, active=True,
    )  # fmt: skip
    app = BBDispatch(ctx_factory(), anna, mode="technician", real_login="bogdan")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.ctx.actor == "bogdan as anna"
        assert app.ctx.person_login == "anna"  # rights and "who did it" stay anna's
        await start_work(app.ctx, anna, 15)
    with sqlite3.connect(demo_db_path) as conn:
        (actor,) = conn.execute(
            "SELECT actor FROM audit_log WHERE entity = 'job' AND entity_id = 15 ORDER BY id DESC"
        ).fetchone()
    assert actor == "bogdan as anna"
