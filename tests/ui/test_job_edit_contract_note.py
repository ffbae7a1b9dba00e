"""The job edit says where the time stayed when the chosen contract cannot take it.

Setting a job's contract re-charges its time, but a contract takes only work
within its dates: the dialog said "Saved: contract" as if the time had moved.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.widgets import Button, Select

from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import SignRequest, sign_contract
from bbdispatch.storage import work as work_store
from screens.job_detail import JobDetailScreen
from screens.job_edit import JobEditScreen
from tests.helpers import make_app, open_from, query, settle, settle_until
from tests.unit.test_freed_hours import LINGWA, at, entry


async def test_choosing_a_contract_that_cannot_take_the_time_says_so(
    ctx_factory: Any, demo_ctx: Ctx, demo_db_path: Path
) -> None:
    entry_id = await entry(demo_ctx, at(20, 9), 60)  # uncovered: no contract then
    found = await work_store.get_entry(demo_ctx.db, entry_id)
    assert found is not None
    contract = await sign_contract(demo_ctx, SignRequest(LINGWA, "starter-10h", date(2026, 11, 24)))
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await open_from(app, pilot, JobDetailScreen(found.job_id), "e", JobEditScreen)
        dialog.query_one("#edit-contract", Select).value = contract
        dialog.query_one("#edit-save", Button).focus()
        await pilot.press("enter")
        await settle_until(pilot, lambda: not isinstance(app.screen, JobEditScreen))
        messages = [str(n.message) for n in app._notifications]
        assert any("cannot take job" in m and "without a contract" in m for m in messages), messages
    charges = query(demo_db_path, "SELECT contract_id, basis FROM charge WHERE work_entry_id = ?",
                    (entry_id,))  # fmt: skip
    assert [(c[0], c[1]) for c in charges] == [(None, "uncovered")]
