from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import Button, DataTable, Input, Select, Static

from bbdispatch.app import BBDispatch
from screens import task_form
from screens.it_admin import open_recurring_tasks
from screens.recurring_tasks import RecurringTasksScreen
from screens.task_form import TaskForm
from tests.helpers import DISPATCHER, settle_twice


async def settle_preview(app: BBDispatch, pilot: Any) -> None:
    """Let the RRULE field's debounce run out, then its preview worker finish."""
    await pilot.pause(TaskForm.PREVIEW_DELAY + 0.2)
    await settle_twice(app, pilot)


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
        await settle_preview(app, pilot)
        assert "at most once a day" in str(form.query_one("#schedule-error", Static).render())
        # Issue 20: a rule that never matches is refused at once, in words, text kept.
        form.query_one("#rrule", Input).value = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
        await settle_preview(app, pilot)
        error = str(form.query_one("#schedule-error", Static).render())
        assert "no run in the 5 years" in error
        assert form.query_one("#rrule", Input).value == "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"
        form.query_one("#rrule", Input).value = "FREQ=WEEKLY;BYDAY=XX"
        await settle_preview(app, pilot)
        assert "BYDAY cannot be “XX”" in str(form.query_one("#schedule-error", Static).render())
        form.query_one("#preset", Select).value = "monthly-first"
        form.query_one("#weekday", Select).value = "WE"
        form.query_one("#starts", Input).value = "01.12.2026 16:30"
        await settle_twice(app, pilot)
        preview = str(form.query_one("#preview", Static).render())
        assert "monthly, on the first Wednesday" in preview
        # 6.01 is Epiphany: by default the run moves to the next working day.
        assert "02/12/2026 16:30 · 07/01/2027 16:30 · 03/02/2027 16:30" in preview
        form.query_one("#on-closed", Select).value = "skip"
        await settle_twice(app, pilot)
        preview = str(form.query_one("#preview", Static).render())
        assert "02/12/2026 16:30 · 03/02/2027 16:30 · 03/03/2027 16:30" in preview
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


async def test_a_first_run_months_back_asks_about_missed_runs(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    # Issue 20: a task whose first run lies months back made 48 late jobs at once.
    from bbdispatch.services.schedule import run_schedule
    from screens.missed_runs_dialog import MissedRunsDialog

    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("n")
        await settle_twice(app, pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        await pilot.press(*"Aktualizacje")
        form.query_one("#preset", Select).value = "weekly"
        form.query_one("#weekday", Select).value = "WE"
        form.query_one("#starts", Input).value = "28.01.2026 09:00"  # the contract's first day
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, MissedRunsDialog)
        question = str(dialog.query_one("#missed-question", Static).render())
        assert "43 runs before today (28/01/2026 09:00 – 18/11/2026 09:00)" in question
        await pilot.press("escape")  # back to the form, nothing saved
        await settle_twice(app, pilot)
        assert app.screen is form
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, MissedRunsDialog)
        await pilot.press("enter")  # the highlighted answer: none before today
        await settle_twice(app, pilot)
        assert isinstance(app.screen, RecurringTasksScreen)
        result = await run_schedule(app.ctx)
        assert [c for c in result.created if c.task_title == "Aktualizacje"] == []
    with sqlite3.connect(demo_db_path) as conn:
        rows = conn.execute(
            "SELECT starts_at, runs_from FROM recurring_task WHERE title = 'Aktualizacje'"
        ).fetchall()
    assert rows == [("2026-01-28T08:00:00Z", "2026-11-23T23:00:00Z")]


async def test_resuming_a_paused_task_asks_and_latest_makes_one_late_run(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    from screens.missed_runs_dialog import MissedRunsDialog

    with sqlite3.connect(demo_db_path) as conn:  # the backup check paused since October
        conn.execute("UPDATE recurring_task SET active = 0 WHERE id = 1")
        conn.execute("DELETE FROM job WHERE recurring_task_id = 1 AND occurrence_at > '2026-11'")
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        table = app.screen.query_one("#task-table", DataTable)
        table.move_cursor(row=table.get_row_index("1"))
        await pilot.press("p")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, MissedRunsDialog)
        await pilot.press("down", "enter")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, RecurringTasksScreen)
    with sqlite3.connect(demo_db_path) as conn:
        row = conn.execute("SELECT active, runs_from FROM recurring_task WHERE id = 1").fetchone()
    assert row == (1, "2026-11-23T08:00:00Z")  # the newest missed Monday run


async def test_run_schedule_on_the_history_warns_about_skipped_runs(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    from screens.it_admin import open_contract_history

    with sqlite3.connect(demo_db_path) as conn:  # the backup check: newest missed run only
        conn.execute("UPDATE recurring_task SET catch_up = 0 WHERE id = 1")
        conn.execute("DELETE FROM job WHERE recurring_task_id = 1 AND occurrence_at > '2026-11-10'")
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle_twice(app, pilot)
        open_contract_history(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("s")
        await settle_twice(app, pilot)
        toasts = [(n.message, n.severity) for n in app._notifications]
    assert ("1 run created.", "information") in toasts
    assert (
        "skipped: Kontrola kopii zapasowych (task 1): 1 missed run not created"
        " (16/11/2026 09:00); only the newest is made",
        "warning",
    ) in toasts


async def test_moving_a_tasks_first_run_back_asks_but_a_new_title_does_not(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    from screens.missed_runs_dialog import MissedRunsDialog

    with sqlite3.connect(demo_db_path) as conn:  # the inventory task has made no run yet
        conn.execute(
            "DELETE FROM run_log WHERE job_id IN (SELECT id FROM job WHERE recurring_task_id = 2)"
        )
        conn.execute("DELETE FROM software_item")
        conn.execute("DELETE FROM software_inventory")
        conn.execute(
            "DELETE FROM work_entry WHERE job_id IN (SELECT id FROM job WHERE recurring_task_id = 2)"
        )
        conn.execute(
            "DELETE FROM job_status_change WHERE job_id IN (SELECT id FROM job WHERE recurring_task_id = 2)"
        )
        conn.execute("DELETE FROM job WHERE recurring_task_id = 2")
        conn.execute(
            "UPDATE recurring_task SET starts_at = '2026-12-07T09:00:00Z', runs_from = NULL"
            " WHERE id = 2"
        )
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        table = app.screen.query_one("#task-table", DataTable)
        table.move_cursor(row=table.get_row_index("2"))
        await pilot.press("e")
        await settle_twice(app, pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        form.query_one("#title", Input).value = "Spis oprogramowania"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, RecurringTasksScreen)  # nothing to ask
        table.move_cursor(row=table.get_row_index("2"))
        await pilot.press("e")
        await settle_twice(app, pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        form.query_one("#starts", Input).value = "01.06.2026 10:00"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, MissedRunsDialog)
        question = str(dialog.query_one("#missed-question", Static).render())
        assert "6 runs before today" in question  # first Mondays, June..November
        await pilot.press("down", "enter")  # only the latest
        await settle_twice(app, pilot)
        assert isinstance(app.screen, RecurringTasksScreen)
    with sqlite3.connect(demo_db_path) as conn:
        row = conn.execute("SELECT title, runs_from FROM recurring_task WHERE id = 2").fetchone()
    assert row == ("Spis oprogramowania", "2026-11-02T09:00:00Z")


async def test_saving_an_empty_custom_rule_says_so_and_keeps_the_form(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    """Issue 20: Custom RRULE left empty, ctrl+s closed the dispatcher with a traceback."""
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("n")
        await settle_twice(app, pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        await pilot.press(*"Aktualizacje")
        form.query_one("#preset", Select).value = "custom"
        form.query_one("#rrule", Input).value = ""
        await settle_twice(app, pilot)
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert app.is_running
        assert app.screen is form
        assert str(form.query_one("#schedule-error", Static).render()).strip()
        assert form.query_one("#title", Input).value == "Aktualizacje"
    with sqlite3.connect(demo_db_path) as conn:
        count = conn.execute(
            "SELECT count(*) FROM recurring_task WHERE title = 'Aktualizacje'"
        ).fetchone()
    assert count == (0,)


async def test_the_preview_follows_a_custom_rule_while_it_is_typed(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    """Issue 20's tester: typing an RRULE left the preview on the preset's runs."""
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("n")
        await settle_twice(app, pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        form.query_one("#starts", Input).value = "01.12.2026 09:00"
        await settle_twice(app, pilot)
        assert "weekly, on Monday" in str(form.query_one("#preview", Static).render())
        form.query_one("#rrule", Input).focus()
        await pilot.press(*"FREQ=MONTHLY;BYMONTHDAY=15")
        await settle_preview(app, pilot)
        assert form.query_one("#preset", Select).value == "custom"  # typing a rule picks Custom
        preview = str(form.query_one("#preview", Static).render())
        assert "monthly, on day 15" in preview
        assert "15/12/2026 09:00 · 15/01/2027 09:00" in preview
        await pilot.press(*";INTERVAL=0")
        await settle_preview(app, pilot)
        error = str(form.query_one("#schedule-error", Static).render())
        assert "INTERVAL must be 1 or more" in error
        assert str(form.query_one("#preview", Static).render()) == ""


async def test_a_first_run_before_the_contract_starts_is_refused_by_the_field(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    """A task on BB/2026/003 (from 28.01.2026) could start on 10.01.2026 and make jobs."""
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("n")
        await settle_twice(app, pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        await pilot.press(*"Aktualizacje Windows")
        form.query_one("#starts", Input).value = "10.01.2026 09:00"
        form.query_one("#minutes", Input).value = "45"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert app.screen is form  # no question about missed runs, nothing saved
        assert str(form.query_one("#schedule-error", Static).render()) == (
            "The first run 10/01/2026 is before contract BB/2026/003 starts (28/01/2026)."
        )
    with sqlite3.connect(demo_db_path) as conn:
        rows = conn.execute(
            "SELECT 1 FROM recurring_task WHERE title = 'Aktualizacje Windows'"
        ).fetchall()
    assert rows == []


async def test_the_task_form_saves_nothing_before_the_technicians_arrive(
    demo_db_path: Path, ctx_factory: Any, monkeypatch: Any
) -> None:
    # Issue 20 (finding 1, its kind): a dialog whose worker fills a field must not
    # save the field's default before the value arrives. Keys typed meanwhile wait
    # for the form's loading worker (the key gate, issue 13) and then go on: the
    # title and ^s land once the technicians are there, and save once.
    release = asyncio.Event()
    real_people = task_form.people

    async def slow_people(ctx: Any) -> Any:
        await release.wait()
        return await real_people(ctx)

    def saved() -> int:
        with sqlite3.connect(demo_db_path) as conn:
            row = conn.execute("SELECT count(*) FROM recurring_task WHERE title = 'Kopia'")
            return int(row.fetchone()[0])

    monkeypatch.setattr(task_form, "people", slow_people)
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TaskForm)
        await pilot.press(*"Kopia", "ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#save", Button).disabled
        assert saved() == 0
        release.set()
        await settle_twice(app, pilot)
        assert app.screen is not form
    assert saved() == 1


async def test_rules_that_never_run_are_refused_at_the_field_and_the_list_agrees(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    # Issue 20 (findings 2 and 3): dateutil's own words came up as "Something went
    # wrong", the preview stuck at "Working out…"; a Sunday task with closed days
    # skipped was saved, and the list showed a run the detail called "never".
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_recurring_tasks(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("n")
        await settle_twice(app, pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        await pilot.press(*"Niedziela")
        form.query_one("#rrule", Input).value = "FREQ=WEEKLY;BYDAY=XX"
        await settle_preview(app, pilot)
        form.query_one("#rrule", Input).value = "FREQ=MINUTELY;INTERVAL=1440;BYHOUR=10"
        await settle_preview(app, pilot)
        error = str(form.query_one("#schedule-error", Static).render())
        assert "INTERVAL=1440 never meets BYHOUR" in error
        assert "Working out" not in str(form.query_one("#preview", Static).render())
        form.query_one("#rrule", Input).value = "FREQ=WEEKLY;BYDAY=SU"
        form.query_one("#on-closed", Select).value = "skip"
        await settle_preview(app, pilot)
        assert "would never run" in str(form.query_one("#schedule-error", Static).render())
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert app.screen is form
        assert "would never run" in str(form.query_one("#schedule-error", Static).render())
        form.query_one("#on-closed", Select).value = "next-workday"
        await settle_preview(app, pilot)
        assert str(form.query_one("#schedule-error", Static).render()) == ""
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        screen = app.screen
        assert isinstance(screen, RecurringTasksScreen)
        table = screen.query_one("#task-table", DataTable)
        row = next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == "Niedziela")
        table.move_cursor(row=row)
        await settle_twice(app, pilot)
        listed = str(table.get_row_at(row)[2])
        detail = str(screen.query_one("#task-detail", Static).render())
        assert listed in detail.split("Next: ")[1].split(" · ")[0]
