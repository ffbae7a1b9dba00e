from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, Select, Static

from bbdispatch.app import BBDispatch
from bbdispatch.services.context import Ctx
from bbdispatch.services.schedule import run_schedule
from screens.backup_check_dialog import BackupCheckDialog
from screens.contract_history import ContractHistoryScreen
from screens.inventory_view import InventoryScreen
from screens.it_admin import open_contract_history
from tests.helpers import DISPATCHER, settle_twice, settle_until

DATA = Path(__file__).parent.parent / "data"
# The IT administration screens are the dispatcher's desk: a technician never
# reaches them (launch refuses, and the services refuse since docs/rights.md).
TECH = DISPATCHER


async def test_failed_backup_from_history_raises_an_emergency(
    demo_ctx: Ctx, demo_db_path: Path, ctx_factory: Any
) -> None:
    job_id = (await run_schedule(demo_ctx)).created[0].job_id
    app = BBDispatch(ctx_factory(), TECH, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_contract_history(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("b")
        await settle_twice(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, BackupCheckDialog)
        dialog.query_one("#result", Select).value = "failed"
        dialog.query_one("#backup-date", Input).value = "21.11.2026"
        dialog.query_one("#size", Input).value = "mnóstwo"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert "Size like 512 GB" in str(dialog.query_one("#size-error", Static).render())
        dialog.query_one("#size", Input).value = "0 GB"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert "Say what failed" in str(dialog.query_one("#note-error", Static).render())
        dialog.query_one("#note", Input).value = "NAS pełny, kopia przerwana"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ContractHistoryScreen)
        first = app.screen.query_one("#history-table", DataTable).get_row_at(0)
        assert str(first[3]) == "PROBLEM*"
        assert "Backup failed: NAS pełny" in str(first[6])
    with sqlite3.connect(demo_db_path) as conn:
        job = conn.execute(
            "SELECT priority, alert, status FROM job WHERE id = ?", (job_id,)
        ).fetchone()
    assert job == ("emergency", "Backup failed: NAS pełny, kopia przerwana", "assigned")


async def test_load_inventory_file_from_the_screen(demo_ctx: Ctx, ctx_factory: Any) -> None:
    app = BBDispatch(ctx_factory(), TECH, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_contract_history(app, 3)
        await settle_twice(app, pilot)
        await pilot.press("down", "down", "down", "i")  # the 02.11 inventory run
        await settle_twice(app, pilot)
        screen = app.screen
        assert isinstance(screen, InventoryScreen)
        table = screen.query_one("#diff-table", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == [
            "AnyDesk", "TeamViewer", "Adobe Acrobat Reader", "Google Chrome",
        ]  # fmt: skip
        await pilot.press("o")
        path_input = screen.query_one("#file-path", Input)
        assert path_input.has_focus
        path_input.value = str(DATA / "nothing-here.csv")
        await pilot.press("enter")
        await settle_twice(app, pilot)
        assert "Cannot read" in str(screen.query_one("#file-error", Static).render())
        assert path_input.value.endswith("nothing-here.csv")
        path_input.value = str(DATA / "inventory-simple.csv")
        await pilot.press("enter")
        await settle_twice(app, pilot)
        # Issue 20: a list belongs to a computer; this file does not name one.
        assert "Say which computer" in str(screen.query_one("#file-error", Static).render())
        screen.query_one("#file-host", Input).value = "rejestracja-pc"
        await pilot.press("enter")
        await settle_twice(app, pilot)
        computer = screen.query_one("#computer", Select)
        assert computer.value == "REJESTRACJA-PC"
        summary = str(screen.query_one("#inventory-summary", Static).render())
        assert "3 programs" in summary
        rows = [
            (str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1]))
            for i in range(table.row_count)
        ]
        assert ("added", "Notepad++") in rows
        assert ("removed", "AnyDesk") in rows
        assert ("removed", "Płatnik") in rows
        # A second computer is compared with nothing but itself: its first inventory.
        await pilot.press("o")
        screen.query_one("#file-host", Input).value = "GABINET-1"
        path_input.value = str(DATA / "inventory-2026-10-powershell.csv")
        await pilot.press("enter")
        await settle_until(pilot, lambda: computer.value == "GABINET-1")
        assert computer.value == "GABINET-1"
        assert "first inventory" in str(screen.query_one("#inventory-summary", Static).render())
        assert {str(table.get_row_at(i)[0]) for i in range(table.row_count)} == {"added"}
        await pilot.press("a")  # the whole list of this computer
        await settle_twice(app, pilot)
        assert table.row_count == 8
        assert {str(table.get_row_at(i)[0]) for i in range(table.row_count)} == {""}
        assert "Płatnik" in [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        computer.value = "REJESTRACJA-PC"
        await settle_twice(app, pilot)
        assert table.row_count == 3  # REJESTRACJA-PC's own full list


async def test_the_runs_screen_names_the_technician_who_documented_a_run(
    demo_ctx: Ctx, ctx_factory: Any
) -> None:
    """Piotr's run, documented in a session run as root, showed "root" as who did it."""
    from bbdispatch.domain.recurring import RunOutcome
    from bbdispatch.services.recurring import complete_run

    job_id = (await run_schedule(demo_ctx)).created[0].job_id
    support = demo_ctx.acting_as("root as piotr", "piotr")
    await complete_run(support, job_id, checked="Log NAS przejrzany", outcome=RunOutcome.OK)
    app = BBDispatch(ctx_factory(), TECH, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_contract_history(app, 3)
        await settle_twice(app, pilot)
        table = app.screen.query_one("#history-table", DataTable)
        row = table.get_row(str(job_id))
        assert str(row[4]) == "piotr"
