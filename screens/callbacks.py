"""The callback list: calls nobody handled yet, then promised callbacks by time."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import ColumnKey

from bbdispatch.clock import format_local_short
from bbdispatch.domain.callbacks import Callback, callback_who
from bbdispatch.domain.calls import CallLogEntry
from bbdispatch.i18n import N_, _
from bbdispatch.phones import format_for_display
from bbdispatch.services.callbacks import (
    CallbackList,
    attempt_callback,
    call_off,
    callback_list,
    finish_callback,
)
from bbdispatch.services.errors import USER_ERRORS
from screens.base import BBScreen
from screens.callback_outcome import CallbackOutcome, attempts_text
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, PlainTable, cell


def _when(moment: datetime) -> str:
    return format_local_short(moment)


class CallbacksScreen(BBScreen[None]):
    """Work through the list: Enter takes a waiting call or records a callback made."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), tooltip=N_("Back to the board"), id="cb-back"),
        Binding("enter", "handle", N_("Handle"),
                tooltip=N_("Take the waiting call, or record the callback made"), id="cb-handle"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    CallbacksScreen #cb-table {
        height: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._items: list[CallLogEntry | Callback] = []
        self._found: CallbackList | None = None

    _FIXED = 11 + 22 + 14
    """The widths of the columns before "Why" (when, who, number)."""

    def _why_width(self) -> int:
        """What is left of the screen for the reason, which is cut with ``…`` beyond it.

        Four columns with one cell of padding each side, and room for the
        vertical scrollbar: the reason never pushes the table sideways.
        """
        return max(10, self.size.width - self._FIXED - 4 * 2 - 2)

    def on_resize(self) -> None:
        """Fit the reason to the new width."""
        if not self.is_mounted or self._found is None:
            return
        table = self.query_one("#cb-table", DataTable)
        if table.columns[ColumnKey("why")].width != self._why_width():
            table.remove_column("why")
            table.add_column(_("Why"), key="why", width=self._why_width())
            self._show(self._found)

    def compose(self) -> ComposeResult:
        """Header, summary, the list, footer."""
        yield Header()
        yield Plain("", id="cb-summary", classes="summary")
        table: DataTable[str | Text] = PlainTable(id="cb-table", cursor_type="row")
        yield table
        yield KeysFooter()

    def on_mount(self) -> None:
        """Columns, first load, reload on every change."""
        self.title = _("Call back")
        table = self.query_one("#cb-table", DataTable)
        table.add_column(_("When"), key="when", width=11)
        table.add_column(_("Who"), key="who", width=22)
        table.add_column(_("Number"), key="number", width=14)
        table.add_column(_("Why"), key="why", width=self._why_width())
        self.bb.data_changed.subscribe(self, lambda _none: self.load())
        self.load()

    @work(exclusive=True, group="cb-load", exit_on_error=False)
    async def load(self) -> None:
        """Fetch the list and redraw it."""
        try:
            found = await callback_list(self.ctx)
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            return
        self._show(found)

    def _show(self, found: CallbackList) -> None:
        self._found = found
        table = self.query_one("#cb-table", DataTable)
        keep = table.cursor_row if table.row_count else 0
        table.clear()
        now = self.ctx.clock.now()
        self._items = [*found.waiting_calls, *found.callbacks]
        due = 0
        for call in found.waiting_calls:
            due += 1
            table.add_row(
                cell(_when(call.received_at), style="bold"),
                _("waiting call"),
                format_for_display(call.e164) or call.raw_number or "—",
                Text(_("nobody answered it yet"), style="bold"),
                key=f"call-{call.id}",
            )
        for cb in found.callbacks:
            late = cb.due_at <= now
            due += late
            table.add_row(
                cell(_when(cb.due_at), style="bold" if late else ""),
                callback_who(cb),
                format_for_display(cb.e164) or "—",
                " · ".join(x for x in (cb.reason, attempts_text(cb)) if x),
                key=f"cb-{cb.id}",
            )
        if self._items:
            table.move_cursor(row=min(keep, len(self._items) - 1))
        self.query_one("#cb-summary", Static).update(
            _("To call back: {n} · due now: {d} · Enter handles the selected one").format(
                n=len(self._items), d=due
            )
        )

    def _selected(self) -> CallLogEntry | Callback | None:
        table = self.query_one("#cb-table", DataTable)
        if not self._items or not 0 <= table.cursor_row < len(self._items):
            return None
        return self._items[table.cursor_row]

    def action_close(self) -> None:
        """Back to the board."""
        self.dismiss(None)

    @on(DataTable.RowSelected, "#cb-table")
    def _row_chosen(self) -> None:
        self.action_handle()

    def action_handle(self) -> None:
        """A waiting call opens the intake; a callback asks what came of it."""
        item = self._selected()
        if isinstance(item, CallLogEntry):
            from screens.intake import IntakeScreen

            self.app.push_screen(IntakeScreen(item))
        elif isinstance(item, Callback):
            from screens.callback_outcome import CallbackOutcomeDialog

            self.app.push_screen(
                CallbackOutcomeDialog(item), lambda answer, cb=item: self._answered(cb.id, answer)
            )

    def _answered(self, callback_id: int, answer: CallbackOutcome | None) -> None:
        if answer is not None:
            self.finish(callback_id, answer)

    @work(exclusive=True, group="cb-finish", exit_on_error=False)
    async def finish(self, callback_id: int, answer: CallbackOutcome) -> None:
        """Record what came of the callback (audited): done, no answer (stays open), called off."""
        try:
            if answer.kind == "done":
                await finish_callback(self.ctx, callback_id, answer.note)
                self.notify(_("Callback done."))
            elif answer.kind == "no_answer":
                after = await attempt_callback(self.ctx, callback_id, answer.note, answer.next_try)
                self.notify(
                    _("No answer: the callback stays on the list for {when}.").format(
                        when=_when(after.due_at)
                    )
                )
            else:
                await call_off(self.ctx, callback_id, answer.note)
                self.notify(_("Callback called off."))
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
        self.load()
