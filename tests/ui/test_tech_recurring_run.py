"""Issue 20: a technician's ``d`` on a recurring run documents it; the card shows due date and checklist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Technician
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import contract_history
from bbdispatch.services.schedule import run_schedule
from screens.run_log_dialog import RunLogDialog
from screens.tech_jobs import TechJobsScreen
from tests.helpers import load_person, query
from tests.ui.test_tech_workspace import settle


@pytest.fixture
def piotr(demo_db_path: Path) -> Technician:
    return load_person(demo_db_path, "piotr")


async def test_done_on_a_recurring_run_records_its_log(
    demo_ctx: Ctx, ctx_factory: Any, demo_db_path: Path, piotr: Technician
) -> None:
    created = (await run_schedule(demo_ctx)).created
    assert [(c.task_title, c.late) for c in created] == [("Kontrola kopii zapasowych", True)]
    job_id = created[0].job_id
    app = BBDispatch(ctx_factory("piotr"), piotr, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        table = app.screen.query_one("#my-jobs", DataTable)
        table.move_cursor(row=table.get_row_index(str(job_id)))
        await settle(pilot)
        card = str(app.screen.query_one("#job-detail", Static).render())
        assert "Recurring run due 23/11/2026 09:00" in card
        assert "Checklist: Sprawdź log kopii na NAS, odtwórz losowy plik" in card
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RunLogDialog)
        head = str(dialog.query_one("#run-head", Static).render())
        assert "due 23/11/2026 09:00" in head
        assert "Sprawdź log kopii na NAS" in head
        await pilot.press("ctrl+s")  # nothing said yet: refused by the field
        await settle(pilot)
        assert "Say what was checked" in str(dialog.query_one("#checked-error", Static).render())
        await pilot.press(*"Log NAS przejrzany")
        dialog.query_one("#outcome", Select).value = "problem"
        dialog.query_one("#problem", Input).value = "Kopia z niedzieli niepełna"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        assert str(job_id) not in [str(k.value) for k in table.rows]  # done: off my list
    logs = query(
        demo_db_path, "SELECT recorded_by, checked, outcome, problem FROM run_log WHERE job_id = ?",
        (job_id,),
    )  # fmt: skip
    assert [tuple(r) for r in logs] == [
        ("piotr", "Log NAS przejrzany", "problem", "Kopia z niedzieli niepełna")
    ]
    status = query(demo_db_path, "SELECT status FROM job WHERE id = ?", (job_id,))
    assert [tuple(r) for r in status] == [("done",)]
    history = {r.job.id: r for r in await contract_history(demo_ctx, 3)}
    assert history[job_id].state.value == "problem"
    assert history[job_id].log is not None


async def test_d_on_a_backup_run_asks_the_backup_and_refuses_an_old_one_as_ok(
    demo_ctx: Ctx, ctx_factory: Any, demo_db_path: Path, piotr: Technician
) -> None:
    """Issue 20: a backup last good two months ago was accepted as OK from the ``d`` path."""
    job_id = (await run_schedule(demo_ctx)).created[0].job_id
    app = BBDispatch(ctx_factory("piotr"), piotr, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#my-jobs", DataTable)
        table.move_cursor(row=table.get_row_index(str(job_id)))
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RunLogDialog)
        assert dialog.query_one("#backup-date", Input).display  # asked on a backup run
        await pilot.press(*"Log NAS przejrzany")
        await pilot.press("ctrl+s")  # OK without the backup's date: refused at the field
        await settle(pilot)
        error = str(dialog.query_one("#backup-error", Static).render())
        assert "date of the newest good backup" in error
        assert dialog.query_one("#outcome", Select).value == "ok"
        dialog.query_one("#backup-date", Input).value = "24.09.2026"
        dialog.query_one("#backup-size", Input).value = "412 GB"
        dialog.query_one("#backup-where", Input).value = r"\\NAS\kopie"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
    logs = query(
        demo_db_path, "SELECT outcome, problem FROM run_log WHERE job_id = ?", (job_id,)
    )  # fmt: skip
    [(outcome, problem)] = [tuple(r) for r in logs]
    assert outcome == "problem"
    assert "the last good backup is 61 days old (limit 7)" in problem
    checks = query(
        demo_db_path,
        "SELECT result, backup_date, size_bytes, location FROM backup_check WHERE job_id = ?",
        (job_id,),
    )
    assert [tuple(r) for r in checks] == [("failed", "2026-09-24", 412 * 1024**3, r"\\NAS\kopie")]


async def test_a_fresh_backup_documented_with_d_is_ok(
    demo_ctx: Ctx, ctx_factory: Any, demo_db_path: Path, piotr: Technician
) -> None:
    job_id = (await run_schedule(demo_ctx)).created[0].job_id
    app = BBDispatch(ctx_factory("piotr"), piotr, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#my-jobs", DataTable)
        table.move_cursor(row=table.get_row_index(str(job_id)))
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RunLogDialog)
        await pilot.press(*"Log NAS przejrzany")
        dialog.query_one("#backup-date", Input).value = "22.11.2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
    logs = query(demo_db_path, "SELECT outcome FROM run_log WHERE job_id = ?", (job_id,))
    assert [tuple(r) for r in logs] == [("ok",)]
    checks = query(demo_db_path, "SELECT result FROM backup_check WHERE job_id = ?", (job_id,))
    assert [tuple(r) for r in checks] == [("ok",)]


async def test_tab_in_the_finish_dialog_only_stops_on_fields_one_sees(
    demo_ctx: Ctx, ctx_factory: Any, demo_db_path: Path, piotr: Technician
) -> None:
    """A tester's Tab landed on the dialog's scroll box (no visible focus); the next key was lost."""
    from textual.containers import ScrollableContainer, VerticalScroll

    job_id = (await run_schedule(demo_ctx)).created[0].job_id
    app = BBDispatch(ctx_factory("piotr"), piotr, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#my-jobs", DataTable)
        table.move_cursor(row=table.get_row_index(str(job_id)))
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RunLogDialog)
        chain = dialog.focus_chain
        assert [w.id for w in chain] == [
            "checked", "outcome", "problem", "backup-date", "backup-size", "backup-where",
            "save", "cancel",
        ]  # fmt: skip
        assert not [w for w in chain if type(w) in (ScrollableContainer, VerticalScroll)]
        # From the problem field, Tab and typing go into the backup's date.
        dialog.query_one("#problem", Input).focus()
        await pilot.press("tab", *"20.11.2026")
        await settle(pilot)
        assert dialog.query_one("#backup-date", Input).value == "20.11.2026"
        # Round the whole chain: Tab from Cancel is back in the first field.
        dialog.query_one("#cancel").focus()
        await pilot.press("tab")
        assert dialog.focused is not None and dialog.focused.id == "checked"
