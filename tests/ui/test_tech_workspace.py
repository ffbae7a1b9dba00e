"""The technician's workspace in a real (headless) App at 80x24."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from time import monotonic

from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock
from bbdispatch.storage.database import Database
from screens.entry_dialog import EntryDialog
from screens.tech_entries import MyEntriesScreen
from screens.tech_jobs import TechJobsScreen
from screens.text_dialog import TextDialog
from screens.widgets.confirm import ConfirmScreen


async def query(db_path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    db = await Database.open(db_path)
    try:
        return [tuple(r) for r in await db.fetch_all(sql, params)]
    finally:
        await db.close()


ASKING = {"tech-action", "entries-delete"}
"""Worker groups that wait for a dialog's answer (never complete while it is open)."""


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker that is not waiting for a dialog finish, then redraw."""
    for _round in range(3):
        await pilot.pause()
        busy = [w for w in pilot.app.workers if w.group not in ASKING and not w.is_finished]
        for worker in pilot.app.screen.workers:
            if worker.group not in ASKING and not worker.is_finished:
                busy.append(worker)
        if busy:
            await asyncio.wait([asyncio.ensure_future(w.wait()) for w in busy], timeout=5)
    await pilot.pause()


def text_of(app: BBDispatch, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_timer_stop_and_start_with_one_key(ctx_factory, anna, demo_db_path) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        table = app.screen.query_one("#my-jobs", DataTable)
        assert table.row_count == 2
        bar = text_of(app, "#timer-bar")
        assert "Timer running on job" in bar
        assert "0:40:00" in bar
        job_id = int(str(table.get_row_at(0)[0]).lstrip("!"))
        assert f"job {job_id}" in bar
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)
        await pilot.press("enter")  # no description yet
        await settle(pilot)
        assert "Describe the work" in text_of(app, "#error-description")
        await pilot.press(*"Restart serwera", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        assert "No timer running" in text_of(app, "#timer-bar")
        rows = await query(
            demo_db_path, "SELECT description, ended_at FROM work_entry WHERE job_id = ?"
            " AND technician_id = ?", job_id, anna.id,
        )  # fmt: skip
        assert rows == [("Restart serwera", "2026-11-24T08:42:00Z")]
        await pilot.press("t")
        await settle(pilot)
        assert f"Timer running on job {job_id}" in text_of(app, "#timer-bar")
        running = await query(
            demo_db_path, "SELECT job_id FROM work_entry WHERE technician_id = ?"
            " AND ended_at IS NULL", anna.id,
        )  # fmt: skip
        assert running == [(job_id,)]


async def test_elapsed_time_ticks_and_forgotten_flag(ctx_factory, anna, clock: FrozenClock) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.advance(timedelta(seconds=75))
        await pilot.pause(1.1)
        assert "0:41:15" in text_of(app, "#timer-bar")
        clock.advance(timedelta(hours=10))
        await pilot.pause(1.1)
        assert "Forgotten?" in text_of(app, "#timer-bar")
        assert app.screen.query_one("#timer-bar").has_class("-forgotten")
        # Days later the whole line still fits 80 columns, "t stops it" included.
        clock.advance(timedelta(hours=72))
        await pilot.pause(1.1)
        bar = app.screen.query_one("#timer-bar", Static)
        text = text_of(app, "#timer-bar")
        assert text.endswith("t stops it")
        assert cell_len(text) <= bar.content_region.width, text


async def test_starting_another_asks_to_stop_the_first(ctx_factory, anna, demo_db_path) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#my-jobs", DataTable)
        second = int(str(table.get_row_at(1)[0]).lstrip("!"))
        await pilot.press("down", "t")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)
        await pilot.press(*"Diagnoza", "enter")
        await settle(pilot)
        assert f"Timer running on job {second}" in text_of(app, "#timer-bar")
        running = await query(
            demo_db_path, "SELECT job_id FROM work_entry WHERE technician_id = ?"
            " AND ended_at IS NULL", anna.id,
        )  # fmt: skip
        assert running == [(second,)]


async def test_manual_entry_bad_input_and_overlap(ctx_factory, anna, demo_db_path) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        await pilot.press(*"25:99", "tab", "tab", "tab", *"Konfiguracja", "ctrl+s")
        await settle(pilot)
        assert "No such date or time" in text_of(app, "#error-start")
        assert dialog.query_one("#entry-description", Input).value == "Konfiguracja"
        start = dialog.query_one("#entry-start", Input)
        start.value = "09:10"
        dialog.query_one("#entry-end", Input).value = "09:20"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Overlaps your entry on job" in text_of(app, "#error-form")
        assert isinstance(app.screen, EntryDialog)
        start.value = "07:00"
        dialog.query_one("#entry-end", Input).value = ""
        dialog.query_one("#entry-duration", Input).value = "1:30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        rows = await query(
            demo_db_path, "SELECT started_at, ended_at FROM work_entry WHERE description = ?",
            "Konfiguracja",
        )  # fmt: skip
        assert rows == [("2026-11-24T06:00:00Z", "2026-11-24T07:30:00Z")]


async def test_manual_entry_before_the_job_came_in_is_refused_at_the_start(
    ctx_factory, anna, demo_db_path
) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        dialog.query_one("#entry-start", Input).value = "22/11/2026 00:10"
        dialog.query_one("#entry-end", Input).value = "22/11/2026 00:40"
        dialog.query_one("#entry-description", Input).value = "Konfiguracja"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "was received on" in text_of(app, "#error-start"), text_of(app, "#error-form")
        assert isinstance(app.screen, EntryDialog)
        assert dialog.query_one("#entry-description", Input).value == "Konfiguracja"
    rows = await query(
        demo_db_path, "SELECT id FROM work_entry WHERE description = ?", "Konfiguracja"
    )
    assert rows == []


async def test_edit_and_delete_own_entries(ctx_factory, anna, demo_db_path) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, MyEntriesScreen)
        table = app.screen.query_one("#entries", DataTable)
        assert table.row_count == 2  # the running timer and the on-hold job's entry
        await pilot.press("e")  # the running timer is first
        await settle(pilot)
        assert isinstance(app.screen, MyEntriesScreen)
        await pilot.press("down", "e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        assert dialog.query_one("#entry-description", Input).value.startswith("Pomiar")
        dialog.query_one("#entry-description", Input).value = "Pomiar łącza (poprawione)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MyEntriesScreen)
        rows = await query(
            demo_db_path, "SELECT COUNT(*) FROM audit_log WHERE entity = 'work_entry'"
            " AND action = 'edited' AND actor = 'anna'",
        )  # fmt: skip
        assert rows == [(1,)]
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.query_one("#entries", DataTable).row_count == 1
        rows = await query(
            demo_db_path, "SELECT COUNT(*) FROM work_entry WHERE description LIKE 'Pomiar%'"
        )
        assert rows == [(0,)]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)


async def test_job_progress_hold_and_done(ctx_factory, anna, demo_db_path) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#my-jobs", DataTable)
        first = int(str(table.get_row_at(0)[0]).lstrip("!"))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        shown = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert "ctrl+s" in shown  # the footer says how to save
        await pilot.press(*"Naprawione", "enter")
        await settle(pilot)
        assert "timer is still running" in text_of(app, "#text-error")
        await pilot.press("escape", "y", "h")  # what was typed is dropped only when confirmed
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Say why" in text_of(app, "#text-error")
        await pilot.press(*"Czekamy na dysk", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        assert "on hold" in str(table.get_row_at(0)[4])
        assert "Czekamy na dysk" in text_of(app, "#job-detail")
        await pilot.press("p")
        await settle(pilot)
        assert "in progress" in str(table.get_row_at(0)[4])
        rows = await query(demo_db_path, "SELECT status FROM job WHERE id = ?", first)
        assert rows == [("in_progress",)]


async def test_a_save_that_waits_says_so_and_a_refused_one_keeps_the_text(
    ctx_factory, anna, demo_db_path
) -> None:
    import sqlite3

    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.ctx.db.lock_wait_seconds = 1.0
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)
        blocker = sqlite3.connect(demo_db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        await pilot.press(*"Wymiana dysku", "enter")
        await settle(pilot)
        await pilot.pause(1.5)
        await settle(pilot)
        notes = [str(n.message) for n in app._notifications]
        # The save gave up: its "waiting" toast is gone, the dialog says what happened.
        assert not any("waiting for the database" in n for n in notes), notes
        assert isinstance(app.screen, EntryDialog)  # still open, text kept
        screen_text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "What you typed is kept" in screen_text
        assert app.screen.query_one("#entry-description", Input).value == "Wymiana dysku"
        blocker.execute("ROLLBACK")
        blocker.close()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        assert "No timer running" in text_of(app, "#timer-bar")


async def test_the_visit_shows_its_hour_in_polish_at_80x24(
    ctx_factory, anna, demo_db_path, polish
) -> None:
    """The visit column and the card read ``01.12.2026…``: the hour of the visit was cut."""
    import re
    import sqlite3

    from bbdispatch.clock import FIRM_ZONE, to_db

    visit = datetime(2026, 11, 24, 14, 0, tzinfo=FIRM_ZONE)  # the demo's today
    with sqlite3.connect(demo_db_path) as conn:
        conn.execute(
            "UPDATE job SET visit_at = ? WHERE id = (SELECT min(id) FROM job"
            " WHERE technician_id = ? AND status IN ('assigned', 'in_progress'))",
            (to_db(visit), anna.id),
        )
    conn.close()
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#my-jobs", DataTable)
        width = next(c.width for k, c in table.columns.items() if k.value == "visit")
        visits = [str(table.get_cell(row.key, "visit")) for row in table.ordered_rows]
        planned = [v for v in visits if v != "—"]
        assert "dziś 14:00" in planned, visits
        assert planned, visits
        for shown in planned:
            assert re.fullmatch(r"(dziś|\d\d\.\d\d) \d\d:\d\d", shown), visits
            assert cell_len(shown) <= width, (shown, width)
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        card = next((ln for ln in lines if "Wizyta:" in ln), "")
        assert re.search(r"Wizyta: ((dziś|\d\d\.\d\d) \d\d:\d\d|nie zaplanowano)", card), lines


async def test_a_job_taken_off_the_list_under_the_cursor_is_named(
    ctx_factory, anna, demo_db_path
) -> None:
    """The office cancels the selected job: the cursor moves on, and the technician is told."""
    from bbdispatch.domain.jobs import JobStatus
    from bbdispatch.services.dispatch import change_status

    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TechJobsScreen)
        table = screen.query_one("#my-jobs", DataTable)
        assert table.row_count >= 2
        gone = screen.selected_job_id
        number = str(table.get_row_at(0)[0]).lstrip("!⟳")
        office = await ctx_factory("beata")()
        try:
            await change_status(office, gone, JobStatus.CANCELLED, "klient rezygnuje")
        finally:
            await office.db.close()
        screen.load()
        await settle(pilot)
        now_selected = screen.selected_job_id
        assert now_selected is not None and now_selected != gone
        told = [str(n.message) for n in app._notifications]
        assert any(f"Job {number} left your list" in m for m in told), told
        # A key pressed just then was meant for the job that left: it only tells, once.
        status = "SELECT status FROM job WHERE id = ?"
        before = await query(demo_db_path, status, now_selected)
        screen.MOVED_GRACE_SECONDS = 600.0
        screen._moved_at = monotonic()  # as the refresh set it, whatever the machine's load
        await pilot.press("p")
        await settle(pilot)
        assert await query(demo_db_path, status, now_selected) == before
        told = [str(n.message) for n in app._notifications]
        assert any("Press the key again" in m for m in told), told
        await pilot.press("p")
        await settle(pilot)
        assert await query(demo_db_path, status, now_selected) == [("in_progress",)]


async def test_a_job_the_technician_closes_leaves_the_list_without_a_warning(
    ctx_factory, anna, demo_db_path
) -> None:
    """``d`` on one's own job: it leaves the list as asked, not 'the office took it'."""
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TechJobsScreen)
        table = screen.query_one("#my-jobs", DataTable)
        idle = next(r for r in range(table.row_count) if not str(table.get_row_at(r)[5]).strip())
        table.move_cursor(row=idle)
        await settle(pilot)
        closing = screen.selected_job_id
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        await pilot.press(*"Naprawione", "ctrl+s")
        await settle(pilot)
        assert await query(demo_db_path, "SELECT status FROM job WHERE id = ?", closing) == [
            ("done",)
        ]
        screen.load()
        await settle(pilot)
        told = [str(n.message) for n in app._notifications]
        assert not any("left your list" in m for m in told), told
