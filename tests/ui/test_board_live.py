"""Another process commits while the board runs: the change shows up on its own."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from textual.widgets import DataTable

from bbdispatch.app import BBDispatch
from screens.board import BoardScreen
from tests.helpers import DISPATCHER, cell, settle, shown_ids

WRITER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=5, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
now = "2026-11-24T08:42:00Z"
cur = db.execute(
    "INSERT INTO job (client_id, received_at, description, mode, priority, category, status,"
    " updated_at) VALUES (2, ?, 'Drukarka sieciowa nie drukuje', 'remote', 'normal',"
    " 'hardware', 'new', ?)", (now, now))
db.execute("INSERT INTO job_status_change (job_id, at, to_status, actor) VALUES (?, ?, 'new',"
           " 'ring')", (cur.lastrowid, now))
db.execute("UPDATE job SET status = 'in_progress', updated_at = ? WHERE id = 16", (now,))
db.execute("INSERT INTO job_status_change (job_id, at, from_status, to_status, technician_id,"
           " actor) VALUES (16, ?, 'assigned', 'in_progress', 4, 'kasia')", (now,))
db.execute("COMMIT")
print(cur.lastrowid)
"""


async def test_other_process_commits_appear_without_a_key(ctx_factory, demo_db_path: Path) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 10)) as pilot:  # small: the table scrolls
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        table = board.query_one("#job-table", DataTable)
        board.select_job(18)
        await settle(pilot)
        scroll_before = table.scroll_y
        assert scroll_before > 0
        loads_before = board.loads

        started = time.monotonic()
        writer = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRITER, str(demo_db_path), stdout=asyncio.subprocess.PIPE
        )
        out, _err = await asyncio.wait_for(writer.communicate(), timeout=20)
        assert writer.returncode == 0
        new_id = int(out)
        committed = time.monotonic()
        while time.monotonic() - committed < 15.0:
            await pilot.pause(0.05)
            if new_id in shown_ids(app) and cell(app, 16, "status").startswith("in progr"):
                break
        seen = time.monotonic() - committed
        assert new_id in shown_ids(app), f"new job not shown after {seen:.2f} s"
        assert cell(app, 16, "status").startswith("in progr")
        print(f"change visible {seen:.2f} s after commit ({committed - started:.2f} s to write)")
        # No key was pressed; the cursor is still on job 18, the view did not jump.
        assert board.selected_line() is not None
        assert board.selected_line().job_id == 18  # type: ignore[union-attr]
        assert table.scroll_y == scroll_before
        assert board.loads > loads_before


HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=5, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE job SET caller_name = 'held' WHERE id = 14")
print("locked", flush=True)
time.sleep(1.5)
db.execute("COMMIT")
"""


async def test_a_write_waits_for_another_process_lock_instead_of_failing(
    ctx_factory, demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.select_job(13)
        holder = await asyncio.create_subprocess_exec(
            sys.executable, "-c", HOLDER, str(demo_db_path), stdout=asyncio.subprocess.PIPE
        )
        assert holder.stdout is not None
        assert (await holder.stdout.readline()).strip() == b"locked"
        started = time.monotonic()
        await pilot.press("t")  # new → triaged while the other process holds the lock
        await settle(pilot)
        waited = time.monotonic() - started
        await holder.wait()
        await settle(pilot)
        assert cell(app, 13, "status") == "triaged"
        assert waited >= 1.0  # it really waited for the lock
        assert not [n for n in app._notifications if n.severity == "error"]
