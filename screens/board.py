"""The dispatcher's home: every open job in one keyboard-driven, live table.

Other processes' commits arrive through ``app.data_changed``; the board then
reloads in two queries and redraws only what changed, keeping the cursor on
the same job and the scroll position where it was.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.widgets import DataTable, Header, Input

from bbdispatch.domain.board import BoardFilter, BoardLine, summarise
from bbdispatch.i18n import N_, _
from bbdispatch.services.errors import USER_ERRORS
from screens.base import reloaded
from screens.job_actions import JobActionsScreen
from screens.widgets.board_columns import Column, cells, columns_for
from screens.widgets.fixed_table import FixedWidthTable
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain
from screens.widgets.text_input import TextInput

if TYPE_CHECKING:
    from bbdispatch.services.board import BoardState

Cells = tuple[str | Text, ...]

TICK_SECONDS = 30.0
"""Waiting and time-left figures are recomputed this often even without changes."""


class BoardScreen(JobActionsScreen):
    """All open jobs, emergencies first, then the longest waiting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The App's F2, repeated first here so the board's footer always shows it.
        Binding("f2", "app.new_call", N_("New call"), tooltip=N_("Start phone intake"),
                id="board-new-call"),
        Binding("enter", "open_job", N_("Detail"), tooltip=N_("Everything about the job"),
                id="open-job"),
        # The footer shows what a dispatcher needs most (New call, Assign, Search,
        # Call back) and fits 80 columns in Polish; every other action stays a key,
        # listed in F1 and the palette.
        *(
            b if b.id == "assign" else replace(b, show=False)
            for b in JobActionsScreen.JOB_BINDINGS
            if isinstance(b, Binding)
        ),
        Binding("slash", "focus_filter", N_("Search"),
                tooltip=N_("Filter: words, s:status t:tech m:mode c:client"), id="search"),
        Binding("escape", "clear_filter", N_("Clear"), tooltip=N_("Clear the filter"),
                id="clear-filter", show=False),
        Binding("r", "reload", N_("Refresh"), tooltip=N_("Reload the queue now"), id="refresh",
                show=False),
        Binding("l", "call_log", N_("Calls"), tooltip=N_("Every call and its outcome"),
                id="call-log", show=False),
        Binding("c", "contracts", N_("Contracts"), tooltip=N_("Contracts and balances"),
                id="contracts", show=False),
        Binding("k", "client", N_("Client"), tooltip=N_("All of the selected job's client"),
                id="client", show=False),
        Binding("b", "callbacks", N_("Call back"),
                tooltip=N_("Waiting calls and callbacks to make"), id="callbacks"),
        # Off the footer (80 columns); F1 and the palette list it.
        Binding("ctrl+b", "new_callback", N_("New callback"),
                tooltip=N_("Promise to call the selected job's client back: why, by when"),
                id="board-callback", show=False),
    ]  # fmt: skip

    KEY_GROUPS: ClassVar[dict[str, str]] = {
        **JobActionsScreen.KEY_GROUPS,
        "open-job": N_("The selected job"),
        "client": N_("The selected job"),
        "board-new-call": N_("Calls"),
        "callbacks": N_("Calls"),
        "board-callback": N_("Calls"),
        "call-log": N_("Calls"),
        "search": N_("Find and show"),
        "clear-filter": N_("Find and show"),
        "refresh": N_("Find and show"),
        "contracts": N_("Find and show"),
    }
    """F1's and the palette's groups (:mod:`screens.keys`), by binding id."""

    HELP = N_(
        """\
## The board

Emergencies come first, then the longest waiting. **Left** is the time to the
response target (business hours for normal and low jobs); `‖` means the job is
on hold and its clock is stopped; a negative time is a breached target.

Flags: `!` emergency · `⏰` breached · `↻` recurring job · `⟳` recurring job whose
day has passed · `⏱` forgotten timer · `⚠` alert (e.g. a failed backup).

Search with `/`: words match number, client, description, technician, caller;
narrow with `s:` and a status (`s:hold`), `t:` and a technician (`t:-`
unassigned), `m:` and a mode (`m:remote`), `c:` and a client (`c:"two words"`).
Escape clears it.
"""
    )

    DEFAULT_CSS = """
    BoardScreen #job-table {
        height: 1fr;
    }
    BoardScreen #board-filter {
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }
    BoardScreen #board-filter:focus {
        background: $primary 20%;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._lines: list[BoardLine] = []
        self._state: BoardState | None = None
        """What the last load read: the next one reads only what changed since."""
        self._cells: dict[str, tuple[BoardLine, Cells]] = {}
        """Each job's cells and the line they were made from (remade when the line is new)."""
        self._cells_for: tuple[object, ...] = ()
        """The columns and colour the kept cells were made for."""
        self._shown: list[tuple[str, Cells]] = []
        self._columns: list[Column] = []
        self._filter = BoardFilter()
        self._keys_for: object = object()
        """The selected job's status the footer keys were last enabled for."""
        self._follow: int | None = None
        """A job just created here: the cursor goes to it as soon as it is shown."""
        self.loads = 0
        """How many times the queue was loaded (tests and benchmarks read it)."""
        self._callbacks_due = 0
        """Callbacks whose time has come (the summary shows them, ``b`` lists them)."""
        self._calls_waiting = 0
        """Calls waiting for a dispatcher (the summary shows them, F3 opens the oldest)."""
        self._summary_text = ""
        """What the summary line shows (it is redrawn only when this changes)."""

    def compose(self) -> ComposeResult:
        """Header, summary line, filter input, the job table, footer."""
        yield Header()
        yield Plain("", id="board-summary", classes="summary")
        yield TextInput(
            placeholder=_("/ search · s:status t:tech m:mode c:client"), id="board-filter"
        )
        yield FixedWidthTable(id="job-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        """Load the queue, follow every later commit, and tick the clocks."""
        self.query_one("#job-table", DataTable).focus()
        self.bb.data_changed.subscribe(self, self._data_changed)
        self.set_interval(TICK_SECONDS, self.load_jobs)
        # The first frame (header, the table's columns, footer) is painted before
        # the first load: that load imports the board's services and reads on the
        # event loop (``fetch_batch``), which held the first frame back by both.
        self.call_after_refresh(self.load_jobs)

    def _data_changed(self, _none: None) -> None:
        self.load_jobs()

    async def show_saved(self, job_id: int | None = None) -> None:
        """Reload now and put the cursor on ``job_id``; return once it is drawn.

        Awaited by a save of this session (:meth:`bbdispatch.app.BBDispatch.saved`)
        before its dialog closes, so the board is never shown with the cursor
        where it was and a key typed after the save acts on the job just saved
        (issue 13: ``^s a`` in one burst opened "Assign job 27" for the new
        job 28 on PostgreSQL). The load is the board's own exclusive worker
        (:func:`screens.base.reloaded`).

        Args:
            job_id: the job just created (None: a change to jobs already shown).
        """
        if job_id is not None:
            self._follow = job_id
        await reloaded(self.load_jobs)

    # --- the selected job -------------------------------------------------

    def selected_line(self) -> BoardLine | None:
        """The job under the cursor."""
        table = self.query_one("#job-table", DataTable)
        if not self._shown or table.cursor_row < 0 or table.cursor_row >= len(self._shown):
            return None
        key = self._shown[table.cursor_row][0]
        return next((ln for ln in self._lines if str(ln.job_id) == key), None)

    def select_job(self, job_id: int) -> bool:
        """Put the cursor on a job if it is shown; True when it is."""
        keys = [k for k, _cells in self._shown]
        if str(job_id) not in keys:
            return False
        self.query_one("#job-table", DataTable).move_cursor(row=keys.index(str(job_id)))
        return True

    def show_client(self, name: str) -> None:
        """Narrow the board to one client's jobs (used by the command palette)."""
        self.query_one("#board-filter", Input).value = f'c:"{name}"'

    @on(DataTable.RowHighlighted, "#job-table")
    def _highlighted(self) -> None:
        self._refresh_job_keys()

    def _refresh_job_keys(self) -> None:
        """Redraw the footer only when the selected job's possible steps change.

        Textual rebuilds every footer key on each ``refresh_bindings``; cursor
        moves and reloads mostly keep the same status, so most calls can be skipped.
        """
        line = self.selected_line()
        state = None if line is None else line.row.job.status
        if state != self._keys_for:
            self._keys_for = state
            self.refresh_bindings()

    @on(DataTable.RowSelected, "#job-table")
    def _selected(self) -> None:
        self.action_open_job()

    def action_open_job(self) -> None:
        """Open the detail of the job under the cursor."""
        line = self.selected_line()
        if line is not None:
            from screens.job_detail import JobDetailScreen

            self.app.push_screen(JobDetailScreen(line.job_id))

    # --- filter -------------------------------------------------------------

    def action_focus_filter(self) -> None:
        """Jump to the filter input."""
        self.query_one("#board-filter", Input).focus()

    def action_clear_filter(self) -> None:
        """Empty the filter and go back to the table."""
        self.query_one("#board-filter", Input).value = ""
        self.query_one("#job-table", DataTable).focus()

    @on(Input.Changed, "#board-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = BoardFilter.parse(event.value)
        self._redraw()

    @on(Input.Submitted, "#board-filter")
    def _filter_done(self) -> None:
        self.query_one("#job-table", DataTable).focus()

    # --- loading and drawing ------------------------------------------------

    def action_reload(self) -> None:
        """Reload the queue now."""
        self.load_jobs()

    def action_call_log(self) -> None:
        """Open the call log."""
        from screens.call_log import CallLogScreen

        self.app.push_screen(CallLogScreen())

    def action_callbacks(self) -> None:
        """Open the callback list."""
        from screens.callbacks import CallbacksScreen

        self.app.push_screen(CallbacksScreen())

    def action_new_callback(self) -> None:
        """Promise to call the selected job's client back (reason and time asked)."""
        line = self.selected_line()
        if line is None:
            self.notify(_("Select a job: its client is called back."), severity="warning")
            return
        from screens.callback_dialog import ask_callback

        job = line.row.job
        reason = _("Job {no}: ").format(no=job.number)
        # The number the job's call came from and who called: the list shows whom to ring.
        ask_callback(
            self, line.row.client_name, client_id=job.client_id, e164=job.caller_phone,
            name=job.caller_name, reason=reason,
        )  # fmt: skip

    def action_client(self) -> None:
        """Open the client page of the job under the cursor."""
        line = self.selected_line()
        if line is not None:
            from screens.client import ClientScreen

            self.app.push_screen(ClientScreen(line.row.job.client_id))

    def action_contracts(self) -> None:
        """Open the contracts screen (balances, signing, statements)."""
        from screens.contracts import ContractsScreen

        self.app.push_screen(ContractsScreen())

    @work(exclusive=True, group="load-jobs", exit_on_error=False)
    async def load_jobs(self) -> None:
        """Fetch the open jobs and redraw what changed."""
        # Imported at the first load, after the first frame (see on_mount).
        from bbdispatch.services.board import board_update
        from bbdispatch.services.callbacks import due_count
        from bbdispatch.services.rings import waiting_calls

        try:
            state = await board_update(self.ctx, self._state)
            self._callbacks_due = await due_count(self.ctx)
            self._calls_waiting = len(await waiting_calls(self.ctx))
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            return
        self.loads += 1
        self._state = state
        self._lines = state.lines
        self._redraw()

    def on_resize(self, event: Resize) -> None:
        """Fit the columns to the new width."""
        self._redraw()

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        table = self.query_one("#job-table", FixedWidthTable)
        columns = columns_for(self.size.width)
        emphasis = self.app.current_theme.error or "red"
        if columns != self._columns:
            table.clear(columns=True)
            for column in columns:
                table.add_column(column.label, key=column.key, width=column.width)
            self._columns = columns
            self._shown = []
        shown, changed = self._cells_of_lines(columns, emphasis)
        if [k for k, _c in shown] == [k for k, _c in self._shown] and self._shown:
            self._update_cells(table, shown, changed)
        else:
            self._rebuild(table, shown, changed)
        self._shown = shown
        if self._follow is not None and self.select_job(self._follow):
            self._follow = None
        self._summarise(len(shown))
        self._refresh_job_keys()

    def _cells_of_lines(
        self, columns: list[Column], emphasis: str
    ) -> tuple[list[tuple[str, Cells]], set[str]]:
        """The shown rows' cells, and the keys whose cells differ from the last redraw.

        A line the last load did not rebuild is the same object as before, so its
        cells are reused without being made again or compared: a reload after one
        job changed touches one row, not thousands.
        """
        if self._cells_for != (columns, emphasis):
            self._cells_for = (columns, emphasis)
            self._cells = {}
        kept = self._cells
        fresh: dict[str, tuple[BoardLine, Cells]] = {}
        shown: list[tuple[str, Cells]] = []
        changed: set[str] = set()
        match = self._filter.matches if self._filter.active else None
        for ln in self._lines:
            key = str(ln.job_id)
            before = kept.get(key)
            if before is not None and before[0] is ln:
                values = before[1]
            else:
                values = cells(ln, columns, emphasis)
                if before is None or before[1] != values:
                    changed.add(key)
            fresh[key] = (ln, values)
            if match is None or match(ln):
                shown.append((key, values))
        self._cells = fresh
        return shown, changed

    def _update_cells(
        self, table: DataTable[str | Text], shown: list[tuple[str, Cells]], changed: set[str]
    ) -> None:
        if not changed:
            return
        for (key, new), (_key, old) in zip(shown, self._shown, strict=True):
            if key not in changed:
                continue
            for column, value, before in zip(self._columns, new, old, strict=True):
                if value != before:
                    table.update_cell(key, column.key, value)

    def _rebuild(
        self, table: FixedWidthTable, shown: list[tuple[str, Cells]], changed: set[str]
    ) -> None:
        old_keys = [k for k, _c in self._shown]
        row = table.cursor_row
        keep = old_keys[row] if 0 <= row < len(old_keys) else None
        scroll_y = table.scroll_y
        table.sync_rows(shown, changed)
        new_keys = [k for k, _c in shown]
        if not new_keys:
            return
        target = new_keys.index(keep) if keep in new_keys else min(max(row, 0), len(new_keys) - 1)
        # Keep the selected job on the same screen line: rows added or removed
        # below it leave the scroll position exactly as it was.
        scroll_y = max(0, scroll_y + (target - row if keep in new_keys else 0))
        table.move_cursor(row=target, scroll=False)
        table.scroll_to(y=scroll_y, animate=False, immediate=True)
        self.call_after_refresh(table.scroll_to, y=scroll_y, animate=False, immediate=True)

    def _summarise(self, shown: int) -> None:
        if not self.loads:  # the first frame comes before the first load: no "Open 0"
            return
        s = summarise(self._lines)
        # With a filter, "Showing 2 of 8" takes the place of "Open 8" (what the filter
        # shows first, out of how many).
        first = (
            _("Showing {n} of {open}").format(n=shown, open=s.open)
            if self._filter.active
            else _("Open {open}").format(open=s.open)
        )
        parts = [
            first,
            _("emergencies {n}").format(n=s.emergencies),
            _("unassigned {n}").format(n=s.unassigned),
            _("breached {n}").format(n=s.breached),
        ]
        if self._calls_waiting:
            parts.append(_("calls waiting {n} (F3)").format(n=self._calls_waiting))
        if self._callbacks_due:
            parts.append(_("call back {n} (b)").format(n=self._callbacks_due))
        # Whole parts to a line: what does not fit the width goes on a second line,
        # never cut (issue 13: at 60 columns "call back 35" was cut off).
        text = "\n".join(packed(parts, self.size.width - 2))
        summary = self.query_one("#board-summary", Plain)
        if text != self._summary_text:
            lines_before = self._summary_text.count("\n")
            self._summary_text = text
            # Most changes keep the line count: a new text needs a repaint, not a
            # layout of the whole screen; a second line (or its end) needs the layout.
            summary.update(text, layout=text.count("\n") != lines_before)


def packed(parts: list[str], width: int, joiner: str = " · ") -> list[str]:
    """``parts`` joined on lines of at most ``width`` cells, never splitting a part.

    A part longer than the width stands on a line of its own (the widget cuts it).
    """
    lines: list[str] = []
    for part in parts:
        if lines and cell_len(lines[-1] + joiner + part) <= width:
            lines[-1] += joiner + part
        else:
            lines.append(part)
    return lines
