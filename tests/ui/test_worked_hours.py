"""Worked time reads as hours the Babel way (``0,75 h``), never as a clock (issue 16).

The tester saw ``0:45`` in the job detail, the technician's entries and the
assign dialog ("przepracowano 0:45"): every one now goes through
:func:`bbdispatch.formats.format_duration`, the hours of the statements.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.people import Technician
from bbdispatch.i18n import set_language
from bbdispatch.services.board import candidates, job_detail
from bbdispatch.services.context import Ctx
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage.database import Database
from bbdispatch.storage.people import person_by_login
from screens.assign import candidate_label
from screens.job_detail import render_detail
from screens.tech_entries import MyEntriesScreen
from tests.helpers import load_person
from tests.ui.test_tech_workspace import settle

JOB = 12
"""The demo's open job of marek's (time on a done job ends by its closing)."""


async def _worked_45_minutes(demo_db_path: Path, clock: FrozenClock, prices, login: str) -> None:
    now = clock.now().astimezone(FIRM_ZONE)
    start = datetime(now.year, now.month, now.day, 8, 0, tzinfo=FIRM_ZONE) - timedelta(days=1)
    db = await Database.open(demo_db_path)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
        person = await person_by_login(db, login)
        assert person is not None
        await add_entry(
            ctx, job_id=JOB, technician_id=person.id, started_at=start,
            ended_at=start + timedelta(minutes=45), description="Sprawdzenie kopii",
            mode=JobMode.REMOTE,
        )  # fmt: skip
    finally:
        await db.close()


async def test_job_detail_and_assign_show_hours(
    demo_ctx: Ctx, demo_db_path: Path, clock: FrozenClock, prices, polish: None
) -> None:
    await _worked_45_minutes(demo_db_path, clock, prices, "marek")
    text = render_detail(await job_detail(demo_ctx, JOB), 80).plain
    line = next(x for x in text.splitlines() if "Sprawdzenie kopii" in x)
    assert "0,75 h" in line and "0:45" not in line
    total = next(x for x in text.splitlines() if x.startswith("Łącznie przepracowano"))
    assert "0:" not in total and " h" in total
    labels = [candidate_label(c) for c in await candidates(demo_ctx, JOB)]
    assert all("dziś 0:" not in x for x in labels)
    assert any("dziś " in x and x.split("dziś ")[1].split()[1] == "h" for x in labels), labels
    set_language("en")
    text = render_detail(await job_detail(demo_ctx, JOB), 80).plain
    assert "0.75 h" in next(x for x in text.splitlines() if "Sprawdzenie kopii" in x)


@pytest.fixture
def marek(demo_db_path: Path) -> Technician:
    """Job 1's technician: time is booked only by a technician on the job."""
    return load_person(demo_db_path, "marek")


async def _my_entry_cells(ctx_factory: Any, marek: Technician, text: str) -> dict[str, str]:
    """Marek's entries screen at 80x24: the cells of the entry whose description holds ``text``."""
    app = BBDispatch(ctx_factory("marek"), marek, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(MyEntriesScreen())
        await settle(pilot)
        table = app.screen.query_one("#entries", DataTable)
        row = next(table.get_row(k) for k in table.rows if text in str(table.get_row(k)[-1]))
        return {str(c.key.value): str(v) for c, v in zip(table.ordered_columns, row, strict=True)}


async def test_technician_entries_show_hours(
    ctx_factory, marek: Technician, demo_db_path: Path, clock: FrozenClock, prices, polish: None
) -> None:
    await _worked_45_minutes(demo_db_path, clock, prices, "marek")
    cells = await _my_entry_cells(ctx_factory, marek, "Sprawdzenie")
    assert cells["time"] == "0,75 h"


async def test_assign_title_is_cut_with_an_ellipsis(ctx_factory, polish: None) -> None:
    # Issue 16: "… — Skrzynka pocztowa prezesa pe" at the dialog's edge, no mark.
    from screens.assign import AssignScreen
    from tests.helpers import DISPATCHER, settle_twice
    from tests.i18n.test_polish_screens import screen_text

    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(AssignScreen(18))
        await settle_twice(app, pilot)
        text = screen_text(app)
    line = next(x for x in text.splitlines() if "Przypisz zlecenie 18" in x)
    assert "…" in line, line
    assert "Skrzynka pocztowa prezesa pe " not in line, line


async def test_the_card_and_the_entries_list_read_the_same_hours(
    ctx_factory, marek: Technician, demo_db_path: Path, clock: FrozenClock, prices, polish: None
) -> None:
    """An entry of 0:44:25 read 0,74 h in the list but 0,73 h on the card (whole minutes)."""
    from bbdispatch.formats import format_duration
    from bbdispatch.services.workspace import job_card
    from screens.tech_jobs import card_text

    now = clock.now().astimezone(FIRM_ZONE)
    start = datetime(now.year, now.month, now.day, 7, 0, tzinfo=FIRM_ZONE)
    db = await Database.open(demo_db_path)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
        await add_entry(
            ctx, job_id=JOB, technician_id=marek.id, started_at=start,
            ended_at=start + timedelta(minutes=44, seconds=25), description="Aktualizacja",
            mode=JobMode.REMOTE,
        )  # fmt: skip
        card = await job_card(ctx, marek, JOB)
    finally:
        await db.close()
    worked = sum((e.length() for e in card.entries if not e.running), timedelta())
    assert worked.seconds % 60  # the seconds are there to be counted
    assert f"Mój czas przy tym zleceniu: {format_duration(worked)}" in card_text(card).plain
    cells = await _my_entry_cells(ctx_factory, marek, "Aktualizacja")
    assert cells["time"] == "0,74 h"
