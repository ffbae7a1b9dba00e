"""The board's Left column in Polish at 80x24: ``-12:23``, never ``-12h23`` nor cut."""

from __future__ import annotations

import re
from typing import Any

from bbdispatch.app import BBDispatch
from screens.board import BoardScreen
from tests.helpers import DISPATCHER, cell, settle

READABLE = re.compile(r"^‖?-?(\d+:\d\d|\d+ (dzień|dni))$")


async def test_left_is_hours_and_minutes(ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        shown = {ln.job_id: cell(app, ln.job_id, "left") for ln in board._lines if ln.response}
    assert any(v.startswith("-") for v in shown.values()), "the demo has a breached job"
    assert all(READABLE.match(v) for v in shown.values()), shown
