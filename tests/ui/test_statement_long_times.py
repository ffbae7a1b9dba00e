"""The statement's time columns show 10 hours and more whole, at 80x24 in Polish."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from bbdispatch.app import BBDispatch
from screens.statement import StatementScreen
from screens.widgets.plain import PlainTable
from tests.helpers import DISPATCHER, settle


async def test_ten_hours_and_more_are_not_cut(ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(StatementScreen(3))
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatementScreen) and screen.statement is not None
        first = screen.statement.lines[0]
        took = timedelta(hours=12, minutes=34, seconds=56)
        long = replace(first, ended_at=first.started_at + took, billed_minutes=12 * 60 + 45)
        screen._show(replace(screen.statement, lines=[long]))
        await pilot.pause()
        table = screen.query_one("#statement-lines", PlainTable)
        line = table.render_line(1).text
    assert "12:34:56" in line, line
    assert "12,75 h" in line, line
