"""A table cell cut at its column's edge ends in ``…``, so nobody reads it as whole.

The statement at 80x24 showed ``Katarzyn`` and ``Kontrola kopii:`` with nothing
to say the rest was cut; every :class:`PlainTable` now marks the cut.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from bbdispatch.app import BBDispatch
from screens.statement import StatementScreen
from screens.widgets.plain import PlainTable
from tests.helpers import DISPATCHER, settle


class _OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield PlainTable(id="t")

    def on_ready(self) -> None:
        table = self.query_one(PlainTable)
        table.add_column("Tech", key="tech", width=8)
        table.add_column("Note", key="note", width=12)
        table.add_row("Katarzyna Nowak", "a: [b] c", key="long")
        table.add_row("Anna", "short", key="short")


def _lines(app: App[Any]) -> list[str]:
    table = app.query_one(PlainTable)
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_a_cut_cell_ends_in_an_ellipsis_and_a_whole_one_does_not() -> None:
    app = _OneTable()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        lines = _lines(app)
        kept = app.query_one(PlainTable).get_cell("long", "tech")
    assert kept == "Katarzyna Nowak"  # the cell keeps its text; only the drawing is cut
    assert "Katarzy…" in lines[1], lines
    assert "a: [b] c" in lines[1], lines  # literal text, whole: no ellipsis
    assert "Anna " in lines[2] and "…" not in lines[2], lines


async def test_the_statement_marks_cut_descriptions(ctx_factory: Any) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(StatementScreen(3))
        await settle(pilot)
        await settle(pilot)
        table = app.screen.query_one("#statement-lines", PlainTable)
        assert table.row_count
        lines = [table.render_line(y).text for y in range(1, 1 + table.row_count)]
    assert all("…" in line for line in lines), lines  # the demo's descriptions are long
    assert not any("Kontrola kopii: " in line for line in lines), lines
