"""The callback list at 80x24: a long reason is cut with ``…``, never pushed off the screen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bbdispatch.app import BBDispatch
from bbdispatch.domain.callbacks import NewCallback
from bbdispatch.services.callbacks import add_callback
from screens.callbacks import CallbacksScreen
from screens.widgets.plain import PlainTable
from tests.helpers import DISPATCHER, settle

REASON = "Oddzwonić w sprawie drukarki sieciowej na drugim piętrze, która znowu nie drukuje"


async def test_a_long_reason_ends_in_an_ellipsis(ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        due = app.ctx.clock.now() + timedelta(hours=1)
        await add_callback(app.ctx, NewCallback(reason=REASON, due_at=due, client_id=1))
        await app.push_screen(CallbacksScreen())
        await settle(pilot)
        await settle(pilot)
        table = app.screen.query_one("#cb-table", PlainTable)
        assert table.virtual_size.width <= table.size.width
        lines = [table.render_line(y).text for y in range(1, 1 + table.row_count)]
        await pilot.resize_terminal(120, 24)
        await settle(pilot)
        wide = [table.render_line(y).text for y in range(1, 1 + table.row_count)]
        assert table.virtual_size.width <= table.size.width
    assert any("piętrze" in line for line in wide), wide  # more of it where there is room
    mine = [line for line in lines if "Oddzwonić w sprawie" in line]
    assert mine, lines
    assert mine[0].rstrip().endswith("…"), mine
