"""The technician's entries at 80 columns: a long entry's time and end date are shown whole."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.domain.people import Technician
from bbdispatch.services.context import Ctx
from bbdispatch.services.dispatch import assign
from bbdispatch.services.jobs import add_job
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage.database import Database
from screens.tech_entries import MyEntriesScreen
from tests.helpers import load_person
from tests.ui.test_tech_workspace import settle


@pytest.fixture
def beata(demo_db_path: Path) -> Technician:
    return load_person(demo_db_path, "beata")


async def test_an_82_hour_entry_shows_its_time_and_end_day_whole(
    ctx_factory, beata, demo_db_path, clock: FrozenClock, prices
) -> None:
    # The tester's case: "82:24:30" cut to "82:24:3" (now hours, 82.41 h), and "16:00–02:24" with no end date.
    start = (clock.now() - timedelta(days=5)).astimezone(FIRM_ZONE)
    start = datetime(start.year, start.month, start.day, 16, 0, tzinfo=FIRM_ZONE)
    end = start + timedelta(hours=82, minutes=24, seconds=30)
    db = await Database.open(demo_db_path)
    try:
        ctx = Ctx(db=db, clock=clock, prices=prices, actor="tester")
        new = NewJob(1, "Migracja serwera", JobMode.REMOTE, Priority.NORMAL, Category.OTHER)
        job_id = await add_job(ctx, new, received_at=start)
        await assign(ctx, job_id, beata.id, None)  # time is booked for the job's technician
        await add_entry(
            ctx, job_id=job_id, technician_id=beata.id, started_at=start, ended_at=end,
            description="Migracja", mode=JobMode.REMOTE, long=True,
        )  # fmt: skip
    finally:
        await db.close()
    app = BBDispatch(ctx_factory("beata"), beata, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(MyEntriesScreen())
        await settle(pilot)
        table = app.screen.query_one("#entries", DataTable)
        row = next(
            table.get_row(key) for key in table.rows if "Migracja" in str(table.get_row(key)[-1])
        )
        cells = {str(c.key.value): str(v) for c, v in zip(table.ordered_columns, row, strict=True)}
        assert cells["time"] == "82.41 h"
        assert cells["span"] == f"16:00–{end.strftime('%d/%m')} 02:24"  # English session
        for column in table.ordered_columns:
            value = cells[str(column.key.value)]
            if column.key.value != "description":
                assert len(value) <= column.width, (column.key.value, value)
        # Nothing is scrolled off the right edge at 80 columns.
        assert table.virtual_size.width <= table.size.width
