from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, Select, Static

from bbdispatch.app import BBDispatch
from screens.it_admin import open_recurring_tasks
from screens.recurring_tasks import RecurringTasksScreen
from screens.task_form import TaskForm
from tests.helpers import DISPATCHER, settle_twice


async def test_add_task_with_a_preset_and_see_next_runs(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        assert isinstance(app.screen, RecurringTasksScreen)
        assert app.screen.query_one("#task-table", DataTable).row_count == 2
        await pilot.press("n")
        await settle_twice(app, pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        await pilot.press(*"Aktualizacje Windows")
        form.query_one("#preset", Select).value = "custom"
        form.query_one("#rrule", Input).value = "FREQ=HOURLY"
        await settle_twice(app, pilot)
        assert "at most once a day" in str(form.query_one("#schedule-error", Static).render())
        # Issue 20: a rule that never matches is refused at once, in words, text kept.
        form.query_one("#rrule", Input).value = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
        await settle_twice(app, pilot)
        error = str(form.query_one("#schedule-error", Static).render())
        assert "no run in the 5 years" in error
        assert form.query_one("#rrule", Input).value == "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
        form.query_one("#rrule", Input).value = "FREQ=WEEKLY;BYDAY=XX"
        await settle_twice(app, pilot)
        assert "BYDAY cannot be “XX”" in str(form.query_one("#schedule-error", Static).render())
        form.query_one("#preset", Select).value = "monthly-first"
        form.query_one("#weekday", Select).value = "WE"
        form.query_one("#starts", Input).value = "01.12.2026 16:30"
        await settle_twice(app, pilot)
        preview = str(form.query_one("#preview", Static).render())
        assert "FREQ=MONTHLY;BYDAY=1WE" in preview
        # 6.01 is Epiphany: by default the run moves to the next working day.
        assert "02.12.2026 16:30 · 07.01.2027 16:30 · 03.02.2027 16:30" in preview
        form.query_one("#on-closed", Select).value = "skip"
        await settle_twice(app, pilot)
        preview = str(form.query_one("#preview", Static).render())
        assert "02.12.2026 16:30 · 03.02.2027 16:30 · 03.03.2027 16:30" in preview
        form.query_one("#minutes", Input).value = "dużo"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert "Expected minutes" in str(form.query_one("#minutes-error", Static).render())
        assert form.query_one("#title", Input).value == "Aktualizacje Windows"
        form.query_one("#minutes", Input).value = "45"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, RecurringTasksScreen)
        table = app.screen.query_one("#task-table", DataTable)
        assert table.row_count == 3
        titles = [str(table.get_row_at(i)[0]) for i in range(3)]
        assert "Aktualizacje Windows" in titles
    with sqlite3.connect(demo_db_path) as conn:
        row = conn.execute(
            "SELECT schedule, starts_at, mode, expected_minutes, catch_up, on_closed_day"
            " FROM recurring_task WHERE title = 'Aktualizacje Windows'"
        ).fetchone()
    assert row == ("FREQ=MONTHLY;BYDAY=1WE", "2026-12-01T15:30:00Z", "remote", 45, 1, "skip")


async def test_dispatcher_app_runs_the_schedule_by_itself(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(20):
            await pilot.pause(0.1)
            with sqlite3.connect(demo_db_path) as conn:
                found = conn.execute(
                    "SELECT occurrence_at, late FROM job WHERE occurrence_at > '2026-11-20'"
                ).fetchall()
            if found:
                break
        await settle_twice(app, pilot)
    assert found == [("2026-11-23T08:00:00Z", 1)]
