"""A DataTable for tables whose every column has a set width (the board)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.geometry import Size
from textual.widgets.data_table import CellKey, Row, RowKey

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

    def sync_rows(
        self, rows: Sequence[tuple[str, Sequence[Cell]]], changed: Collection[str]
    ) -> None:
        """Show exactly ``rows`` (key, cells) in this order, writing only new and ``changed`` rows.

        Rows no longer wanted go, new ones come, the ``changed`` ones get their
        cells, and the order is set in one step: no clear and refill of the
        whole table when one job arrives or leaves (thousands of rows, most
        unchanged). The caller keeps the cursor where it wants it.
        """
        was_empty = self.row_count == 0
        # Keys compared as plain strings: a RowKey hashes and compares in Python,
        # which at thousands of rows costs more than everything else here.
        existing = {k.value: k for k in self.rows}
        wanted_keys = {key for key, _cells in rows}
        for key, gone in existing.items():
            if key in wanted_keys:
                continue
            for column_key in self._data[gone]:
                self._updated_cells.discard(CellKey(gone, column_key))
            del self.rows[gone]
            del self._data[gone]
            self._new_rows.discard(gone)
        columns = self.ordered_columns
        wanted: list[RowKey] = []
        for key, cells in rows:
            row_key = existing.get(key)
            if row_key is None or key in changed:
                if row_key is None:
                    row_key = RowKey(key)
                    self.rows[row_key] = Row(row_key, 1, None, False)
                    self._new_rows.add(row_key)
                self._data[row_key] = {
                    c.key: table_cell(cell) for c, cell in zip(columns, cells, strict=True)
                }
            wanted.append(row_key)
        self._row_locations = TwoWayDict({k: i for i, k in enumerate(wanted)})
        self._clear_caches()
        self._update_count += 1
        if self._fixed_columns():
            # The size is known now: setting it here lays the screen out once
            # (only when the number of rows changed), where leaving it to the next
            # idle moment laid it out twice per reload (issue 13: another
            # process's commit on the board).
            new_rows = list(self._new_rows)
            self._new_rows.clear()
            self._update_dimensions(new_rows)
            self.refresh()
        else:
            self._require_update_dimensions = True
            self.refresh(layout=True)
            self.check_idle()
        self.cursor_coordinate = self.cursor_coordinate
        self.hover_coordinate = self.hover_coordinate
        if was_empty and rows and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()

    def _fixed_columns(self) -> bool:
        """Whether every column has a set width (no cell can widen one)."""
        return not any(c.auto_width for c in self.columns.values())

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        rows = list(new_rows)
        fixed = self._fixed_columns()
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
