"""A running session sets its long-lived objects aside from the garbage collector (issue 13).

Python's full collections walked the whole session (Textual, every screen and
module) about once in ten commits elsewhere, some 120 ms each at 100,000
clients: the board showed such a commit late. Once every module is loaded the
App freezes the heap (``gc.freeze``); it lets it go again when it stops.
"""

from __future__ import annotations

import gc
from typing import Any

from bbdispatch.app import BBDispatch
from tests.helpers import DISPATCHER, settle, settle_until


async def test_the_heap_is_frozen_while_the_board_runs_and_let_go_after(ctx_factory: Any) -> None:
    assert gc.get_freeze_count() == 0
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await settle_until(pilot, lambda: gc.get_freeze_count() > 0)
        assert gc.get_freeze_count() > 0
        assert app.screen.query_one("#job-table").row_count > 0  # the board is up
    assert gc.get_freeze_count() == 0
