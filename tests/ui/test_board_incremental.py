"""The board updated in place after other processes' commits equals a board loaded afresh."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from bbdispatch.app import BBDispatch
from screens.board import BoardScreen
from tests.helpers import DISPATCHER, query, settle

WRITES = [
    # A new emergency (goes to the top), a status change, a closed job (leaves),
    # a renamed client, a running timer, an alert.
    "INSERT INTO job (client_id, description, mode, priority, category, status, received_at,"
    " updated_at) VALUES (2, 'Serwer nie wstaje', 'remote', 'emergency', 'other', 'new',"
    " '2026-11-24T08:30:00Z', '2026-11-24T08:30:00Z')",
    "UPDATE job SET status = 'triaged', updated_at = '2026-11-24T08:31:00Z' WHERE id = 13",
    "UPDATE job SET status = 'cancelled', status_reason = 'duplikat',"
    " closed_at = '2026-11-24T08:32:00Z' WHERE id = 14",
    "UPDATE client SET name = 'Biuro Rachunkowe Nowe' WHERE id = 1",
    "INSERT INTO work_entry (job_id, technician_id, started_at, mode, created_at, updated_at)"
    " SELECT 17, id, '2026-11-24T08:00:00Z', 'remote', '2026-11-24T08:00:00Z',"
    " '2026-11-24T08:00:00Z' FROM technician WHERE login = 'bogdan'",
    "UPDATE job SET alert = 'Kopia nieudana' WHERE id = 18",
]


def table_rows(board: BoardScreen) -> list[tuple[str, list[str]]]:
    table = board.query_one("#job-table", DataTable)
    return [
        (str(table.coordinate_to_cell_key((i, 0)).row_key.value),
         [str(c) for c in table.get_row_at(i)])
        for i in range(table.row_count)
    ]  # fmt: skip


async def test_board_after_commits_elsewhere_equals_a_fresh_load(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER, poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        before = table_rows(board)
        loads = board.loads
        for sql in WRITES:
            conn = sqlite3.connect(demo_db_path, isolation_level=None)
            conn.execute(sql)
            conn.close()
            while board.loads == loads:  # noqa: ASYNC110 - waiting for the App to notice
                await pilot.pause(0.05)
            loads = board.loads
            await settle(pilot)
        updated = table_rows(board)
        assert updated != before
        # Throw away everything the board kept and load it as on opening.
        board._state = None
        board._cells = {}
        board._columns = []
        board.load_jobs()
        await settle(pilot)
        assert table_rows(board) == updated
        newest = query(demo_db_path, "SELECT MAX(id) FROM job")[0][0]
        assert str(newest) in [key for key, _cells in updated]
        assert "14" not in [key for key, _cells in updated]  # the closed job went
