"""The job edit dialog refuses new agreed terms of a job whose work was issued, at the field.

The service's refusal names the issued statement; the dialog shows it under its
fields at 80x24 and stays open with what was typed, and the job keeps its price.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, Input, Select, Static

from bbdispatch.app import BBDispatch
from bbdispatch.services.context import Ctx
from screens.job_detail import JobDetailScreen
from screens.job_edit import JobEditScreen
from tests.helpers import DISPATCHER, open_from, query, settle, settle_until
from tests.unit.test_agreed_terms_issued import issued_350_job


async def test_job_edit_shows_the_refusal_naming_the_statement(
    ctx_factory: Any, demo_ctx: Ctx, demo_db_path: Path
) -> None:
    job_id, number = await issued_350_job(demo_ctx)
    app = BBDispatch(ctx_factory("beata"), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await open_from(app, pilot, JobDetailScreen(job_id), "e", JobEditScreen)
        dialog.query_one("#edit-terms", Select).value = "rate"
        dialog.query_one("#edit-amount", Input).value = "100"
        dialog.query_one("#edit-save", Button).focus()
        await pilot.press("enter")
        error = dialog.query_one("#edit-error", Static)
        await settle_until(pilot, lambda: number in str(error.render()))
        assert isinstance(app.screen, JobEditScreen)
        assert number in str(error.render())
        assert dialog.query_one("#edit-amount", Input).value == "100"
    row = query(
        demo_db_path, "SELECT agreed_price_grosze, agreed_rate_grosze FROM job WHERE id = ?",
        (job_id,),
    )[0]  # fmt: skip
    assert (row[0], row[1]) == (35000, None)
