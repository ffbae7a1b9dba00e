"""A DataTable for tables whose every column has a set width (the board)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.geometry import Size
from textual.widgets.data_table import Row, RowKey

from screens.widgets.plain import PlainTable, table_cell

Cell = str | Text


class FixedWidthTable(PlainTable):
    """A DataTable that refills thousands of one-line rows quickly.

    Textual measures every cell of every added row so that auto-width columns can
    grow, and re-sets its cursor (a reactive that always fires) once per row. The
    board gives every column a width and refills the whole table at once, so at a
    few thousand open jobs that work (about a third of a second) buys nothing.
    With any auto-width column, row label or auto-height row, Textual's own sizing
    runs as usual. This leans on DataTable internals of the pinned Textual version;
    the board's snapshot and Pilot tests cover it. Cells are shown literally,
    as in every :class:`PlainTable`.
    """

    def add_rows_at_once(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """Append one-line rows (key, cells) like ``add_row``, touching the cursor once."""
        if not rows:
            return
        was_empty = self.row_count == 0
        columns = self.ordered_columns
        for key, cells in rows:
            row_key = RowKey(key)
            if row_key in self._row_locations:
                raise ValueError(f"row key {key!r} is already in the table")
            self._row_locations[row_key] = self.row_count
            self._data[row_key] = {
                c.key: table_cell(cell) for c, cell in zip(columns, cells, strict=True)
            }
            self.rows[row_key] = Row(row_key, 1, None, False)
            self._new_rows.add(row_key)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()

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
