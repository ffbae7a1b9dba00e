"""A visit is a plan: never in the past, on site or remote (service, CLI, Assign dialog)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.widgets import Input, Static

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.errors import FieldError
from bbdispatch.services.context import Ctx
from bbdispatch.services.dispatch import assign
from bbdispatch.services.jobs import get_job
from screens.assign import AssignScreen
from tests.helpers import make_app, settle
from tests.unit.test_cli_office import cli, cli_json, db, new_private

__all__ = ["db"]

ANNA, MAREK = 1, 3
ZIELINSKA, BILANS_REMOTE = 17, 13


async def test_a_past_visit_is_refused_on_site_and_remote(demo_ctx: Ctx) -> None:
    yesterday = datetime(2026, 11, 23, 10, 0, tzinfo=FIRM_ZONE)  # the clock: 24.11 09:42
    with pytest.raises(FieldError, match="in the past") as err:
        await assign(demo_ctx, ZIELINSKA, ANNA, yesterday)
    assert err.value.field == "visit"
    assert (await get_job(demo_ctx, ZIELINSKA)).technician_id is None
    with pytest.raises(FieldError, match="in the past"):
        await assign(demo_ctx, BILANS_REMOTE, ANNA, datetime(2026, 11, 24, 9, 0, tzinfo=FIRM_ZONE))
    assert (await get_job(demo_ctx, BILANS_REMOTE)).technician_id is None
    # The current minute is still a plan; a remote session at a planned time is kept.
    now = datetime(2026, 11, 24, 9, 42, tzinfo=FIRM_ZONE)
    await assign(demo_ctx, ZIELINSKA, ANNA, now)
    later = now + timedelta(hours=3)
    await assign(demo_ctx, BILANS_REMOTE, ANNA, later)
    assert (await get_job(demo_ctx, BILANS_REMOTE)).visit_at == later


def test_jobs_assign_refuses_a_past_visit_naming_the_flag(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = str(new_private(db, capsys))
    job = cli_json(db, capsys, "jobs", "add", "--client", client_id, "--mode", "remote",
                   "--description", "Poczta")["id"]  # fmt: skip
    past = (datetime.now(FIRM_ZONE) - timedelta(days=1)).date().isoformat() + "T10:00"
    err = cli(db, capsys, "jobs", "assign", str(job), "--to", "anna", "--visit", past, code=2)
    assert err.startswith("bbdispatch: --visit: The visit ")
    assert "in the past" in err
    assert cli_json(db, capsys, "jobs")[0]["technician"] is None


async def test_the_assign_dialog_refuses_a_past_visit_at_the_field(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = AssignScreen(ZIELINSKA)
        await app.push_screen(dialog)
        await settle(pilot)
        visit = dialog.query_one("#visit", Input)
        visit.value = "23.11.2026 10:00"
        visit.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        warning = str(dialog.query_one("#visit-warning", Static).render())
        assert "The visit 23/11/2026 10:00 is in the past" in warning
        assert app.focused is visit
        assert (await get_job(app.ctx, ZIELINSKA)).technician_id is None
