"""A DataTable for tables whose every column has a set width (the board)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class FixedWidthTable(DataTable[str | Text]):
    """Skips measuring new rows' cells when no column sizes itself to its content.

    Textual measures every cell of every added row so that auto-width columns can
    grow. The board gives every column a width, so at a few thousand open jobs that
    measuring (about a third of a second) buys nothing. With any auto-width column,
    row label or auto-height row, Textual's own sizing runs as usual.
    """

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        rows = list(new_rows)
        fixed = not any(c.auto_width for c in self.columns.values())
        plain = all(
            (row := self.rows.get(key)) is None or (row.label is None and not row.auto_height)
            for key in rows
        )
        if not (fixed and plain):
            super()._update_dimensions(rows)
            return
        width = sum(c.get_render_width(self) for c in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header
        )
