from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, OptionList, Select, Static, TextArea

from bbdispatch.app import BBDispatch
from bbdispatch.domain.backups import BackupResult
from bbdispatch.services.backups import record_backup_check
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import RunDetails
from bbdispatch.services.schedule import run_schedule
from screens import run_log_dialog
from screens.contract_history import ContractHistoryScreen
from screens.it_admin import open_run_log
from screens.recurring_tasks import RecurringTasksScreen
from screens.run_log_dialog import RunLogDialog
from tests.helpers import DISPATCHER, query, settle_twice


async def test_complete_recurring_run_with_log(
    demo_ctx: Ctx, demo_db_path: Path, ctx_factory
) -> None:
    created = (await run_schedule(demo_ctx)).created
    assert [c.occurrence_at.isoformat() for c in created] == ["2026-11-23T09:00:00+01:00"]
    job_id = created[0].job_id
    app = BBDispatch(ctx_factory("piotr"), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await pilot.press("i")
        await settle_twice(app, pilot)
        options = app.screen.query_one("#contract-list", OptionList)
        assert "Przychodnia" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, RecurringTasksScreen)
        await pilot.press("h")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ContractHistoryScreen)
        table = app.screen.query_one("#history-table", DataTable)
        first = table.get_row_at(0)
        assert str(first[2]) == str(job_id)
        assert str(first[3]) == "MISSED*"
        await pilot.press("l")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, RunLogDialog)
        # Saving with nothing checked: an error by the field, the dialog stays.
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert "Say what was checked" in str(
            app.screen.query_one("#checked-error", Static).render()
        )
        app.screen.query_one("#checked", TextArea).text = "Log kopii na NAS, odtworzono plik."
        app.screen.query_one("#outcome", Select).value = "problem"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert "Describe the problem" in str(
            app.screen.query_one("#problem-error", Static).render()
        )
        app.screen.query_one("#problem", Input).value = "Kopia z soboty niepełna"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ContractHistoryScreen)
        first = app.screen.query_one("#history-table", DataTable).get_row_at(0)
        assert str(first[3]) == "PROBLEM*"
        assert str(first[4]) == "beata"
        assert "Kopia z soboty" in str(first[6])

    with sqlite3.connect(demo_db_path) as conn:
        log = conn.execute(
            "SELECT recorded_by, recorded_at, checked, outcome, problem FROM run_log"
            " WHERE job_id = ?",
            (job_id,),
        ).fetchone()
        status = conn.execute("SELECT status FROM job WHERE id = ?", (job_id,)).fetchone()
    assert log == (
        "beata", "2026-11-24T08:42:00Z", "Log kopii na NAS, odtworzono plik.", "problem",
        "Kopia z soboty niepełna",
    )  # fmt: skip
    assert status == ("done",)


async def test_after_a_failed_backup_check_the_log_dialog_says_problem(
    demo_ctx: Ctx, ctx_factory
) -> None:
    # Issue 20: after a failed check the log dialog was prefilled "OK".
    job_id = (await run_schedule(demo_ctx)).created[0].job_id
    await record_backup_check(
        demo_ctx, job_id, result=BackupResult.FAILED, backup_date=None, size_bytes=None,
        location="", note="Brak miejsca na NAS",
    )  # fmt: skip
    app = BBDispatch(ctx_factory("piotr"), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_run_log(app, job_id)
        await settle_twice(app, pilot)
        assert isinstance(app.screen, RunLogDialog)
        assert app.screen.query_one("#outcome", Select).value == "problem"
        assert app.screen.query_one("#problem", Input).value == "Brak miejsca na NAS"


async def test_the_log_dialog_saves_nothing_before_the_run_has_loaded(
    demo_ctx: Ctx, demo_db_path: Path, ctx_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 20 (finding 1): under load the dialog sat at "Loading…" with OK chosen,
    # and Ctrl+S in that window logged OK over a failed backup check.
    job_id = (await run_schedule(demo_ctx)).created[0].job_id
    await record_backup_check(
        demo_ctx, job_id, result=BackupResult.FAILED, backup_date=None, size_bytes=None,
        location="", note="Dysk NAS uszkodzony",
    )  # fmt: skip
    release = asyncio.Event()
    slow_details = run_log_dialog.run_details

    async def slow(ctx: Ctx, job: int) -> RunDetails:
        await release.wait()
        return await slow_details(ctx, job)

    monkeypatch.setattr(run_log_dialog, "run_details", slow)
    app = BBDispatch(ctx_factory("piotr"), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_run_log(app, job_id)
        await pilot.pause()
        await pilot.press("x", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RunLogDialog)
        app.screen.query_one("#save", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, RunLogDialog)
        assert query(demo_db_path, "SELECT * FROM run_log WHERE job_id = ?", (job_id,)) == []
        release.set()
        await settle_twice(app, pilot)
        assert app.screen.query_one("#outcome", Select).value == "problem"
        assert not app.screen.query_one("#save", Button).disabled
