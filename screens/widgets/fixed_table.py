"""A DataTable for tables whose every column has a set width (the board)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.cache import LRUCache
from textual.geometry import Size
from textual.widgets.data_table import CellKey, Row, RowKey

from screens.widgets.plain import PlainTable, table_cell

Cell = str | Text

SegmentLines = list[list[Segment]]
"""A drawn cell: its lines of segments (as Textual's DataTable has them)."""

CELLS_KEPT = 4000
"""Laid-out cells kept: a few screens of rows at the board's eight columns."""
STYLES_KEPT = 20_000
"""Combined styles kept before starting afresh (a screen needs a few hundred)."""


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

    A cell's text is laid out once and kept while its value is the same object
    (:meth:`_render_cell`): when a new job goes to the top and every row below
    moves down, or the cursor moves, the rows are not laid out again.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._laid_out: LRUCache[tuple[object, ...], tuple[object, SegmentLines]] = LRUCache(
            CELLS_KEPT
        )
        """Each body cell's text laid out, by row, column, width and padding, with the
        value it was laid out from (reused only while the cell holds that very object)."""
        self._pre_styles: dict[tuple[Style, Style, int, int], Style] = {}
        """Row style, place and cursor style combined (:meth:`_pre_style`)."""
        self._combined: dict[tuple[Style, Style | None, Style], Style] = {}
        """Text styles with what is laid under and over them (:meth:`_styled`)."""

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
        # Textual works the rows' order and lines out from the locations, a row at
        # a time, on first use; here they are known already.
        ordered = [self.rows[k] for k in wanted]
        self._ordered_row_cache[(len(ordered), self._update_count)] = ordered
        if all(row.height == 1 for row in ordered):
            self._offset_cache[self._update_count] = [(k, 0) for k in wanted]
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

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """A body cell as Textual draws it, its text laid out once and kept.

        Textual keys a cell's drawing by the table's update count and row index
        and draws the row's stripe, the cursor and the cell's place (row and
        column, for mouse clicks and hover) into it, so every refill, every row
        that moved and every cursor step drew again from the text: some 25 ms
        per commit elsewhere at 80x24, where a new emergency at the top moves
        every row below it. Here the text is laid out once per row, column and
        width while the cell holds the same value object, and the styles are
        laid over it as Textual lays them (row style and place, cursor or hover,
        the text's own styles, then the post style): the same characters,
        colours and click targets. The header and row labels are Textual's own.
        """
        row_key = self._row_locations.get_key(row_index) if row_index >= 0 else None
        row = self.rows.get(row_key) if row_key is not None else None
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or row is None or column_key is None or row.height != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        value = self._data[row_key].get(column_key)
        key = (row_key, column_key, width, self.cell_padding)
        kept = self._laid_out.get(key)
        if kept is not None and kept[0] is value:
            lines = kept[1]
        else:
            lines = self._lay_out(row_index, column_index, width)
            self._laid_out[key] = (value, lines)
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )  # fmt: skip
        pre = self._pre_style(base_style, component_style, row_index, column_index)
        styled = self._styled
        return [
            [
                Segment(text, None if control else styled(pre, style, post_style), control)
                for text, style, control in line
            ]
            for line in lines
        ]

    def _lay_out(self, row_index: int, column_index: int, width: int) -> SegmentLines:
        """One body cell of a one-line row laid out, before any style is laid over it.

        As Textual's ``_render_cell`` lays it out, without its ``Styled`` wrapper.
        """
        cell = self._get_row_renderables(row_index).cells[column_index]
        options = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
        return self.app.console.render_lines(Padding(cell, (0, self.cell_padding)), options)

    def _pre_style(self, base: Style, component: Style, row_index: int, column_index: int) -> Style:
        """What Textual lays under a cell's text, kept.

        The row's style with the cell's place, then the cursor's or the hover's
        (``base_style`` and ``component_style`` in Textual's ``_render_cell``).
        """
        key = (base, component, row_index, column_index)
        pre = self._pre_styles.get(key)
        if pre is None:
            if len(self._pre_styles) > STYLES_KEPT:
                self._pre_styles.clear()
            place = Style.from_meta({"row": row_index, "column": column_index})
            pre = self._pre_styles[key] = base + place + component
        return pre

    def _styled(self, pre: Style, style: Style | None, post: Style) -> Style:
        """``pre + style + post`` as Rich's ``Segment.apply_style`` combines them, kept.

        Rich's own cache of combined styles misses whenever a cell's place is
        new (the place makes each style unique), so the combinations are kept here.
        """
        key = (pre, style, post)
        combined = self._combined.get(key)
        if combined is None:
            if len(self._combined) > STYLES_KEPT:
                self._combined.clear()
            combined = pre + style
            if post:
                combined = combined + post if combined else post
            self._combined[key] = combined
        return combined

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
