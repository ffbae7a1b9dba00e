"""The board's table draws what Textual's own DataTable draws, without laying moved rows out again.

Issue 13 (another process's commit on the board within 150 ms): a new
emergency goes to the top and every row below moves; Textual drew every moved
cell again from its text. :class:`FixedWidthTable` keeps each cell's laid-out
text and lays the row's stripe, the cursor and the cell's place over it.
"""

from __future__ import annotations

import sys
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable

from screens.widgets.fixed_table import FixedWidthTable
from screens.widgets.plain import PlainTable

COLUMNS = [("No", "no", 5), ("Client", "client", 14), ("Left", "left", 7), ("!", "flags", 3)]


def job(n: int) -> tuple[str, tuple[str | Text, ...]]:
    flags = Text("!", style="bold red") if n % 3 == 0 else ""
    left = Text(f"-{n}h", style="red") if n % 2 else f"{n}h"
    return str(n), (str(n), f"Klient numer {n} sp. z o.o.", left, flags)


class Tables(App[None]):
    """The board's table beside a plain one, the same size, columns and rows."""

    CSS = "DataTable { height: 9; }"

    def compose(self) -> ComposeResult:
        yield FixedWidthTable(id="fixed", cursor_type="row", zebra_stripes=True)
        yield PlainTable(id="plain", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            for label, key, width in COLUMNS:
                table.add_column(label, key=key, width=width)


def show(app: Tables, rows: list[tuple[str, tuple[str | Text, ...]]], cursor_key: str) -> None:
    """Both tables show ``rows`` with the cursor on ``cursor_key``: the board's way and Textual's."""
    fixed = app.query_one("#fixed", FixedWidthTable)
    fixed.sync_rows(rows, changed=())
    plain = app.query_one("#plain", PlainTable)
    plain.clear()
    for key, cells in rows:
        plain.add_row(*cells, key=key)
    keys = [k for k, _c in rows]
    for table in (fixed, plain):
        table.move_cursor(row=keys.index(cursor_key), scroll=False)


async def drawn(pilot: Any, table: DataTable[Any]) -> list[list[tuple[str, str, dict[str, Any]]]]:
    """Every character of the focused table with its look and its click target (row, column)."""
    table.focus()
    await pilot.pause()
    width, height = table.size
    lines = table.render_lines(Region(0, 0, width, height))
    return [
        [(ch, str(seg.style), dict(seg.style.meta) if seg.style else {})
         for seg in strip for ch in seg.text]
        for strip in lines
    ]  # fmt: skip


async def test_moved_rows_look_and_click_as_in_textual_and_are_not_laid_out_again() -> None:
    app = Tables()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        fixed = app.query_one("#fixed", FixedWidthTable)
        plain = app.query_one("#plain", PlainTable)
        rows = [job(n) for n in range(1, 13)]
        show(app, rows, cursor_key="3")
        await pilot.pause()
        assert await drawn(pilot, fixed) == await drawn(pilot, plain)

        laid_out = 0
        console = app.console
        real = console.render_lines

        def counting(*args: Any, **kwargs: Any) -> Any:
            nonlocal laid_out
            laid_out += sys._getframe(1).f_locals.get("self") is fixed  # the board's table
            return real(*args, **kwargs)

        console.render_lines = counting  # type: ignore[method-assign]
        # A new job at the top: every row below moves one down (its stripe flips).
        laid_out = 0
        show(app, [job(99), *rows], cursor_key="3")
        fixed_after = await drawn(pilot, fixed)
        fixed_cells = laid_out
        assert fixed_after == await drawn(pilot, plain)
        # Only the new row and the header are laid out; Textual lays out every visible cell.
        assert fixed_cells <= 2 * len(COLUMNS), fixed_cells

        # A click on a moved row selects that row's job.
        await pilot.click("#fixed", offset=(2, 1 + 4))
        await pilot.pause()
        assert fixed.coordinate_to_cell_key(fixed.cursor_coordinate).row_key.value == "4"
