"""The call log: every call, matched or not, and what became of it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from bbdispatch.domain.calls import CallOutcome
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.messages import shown
from bbdispatch.domain.people import person_of
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import N_, Labels, _
from bbdispatch.phones import format_for_display
from bbdispatch.services.callbacks import note_call
from bbdispatch.services.errors import USER_ERRORS
from bbdispatch.services.intake import (
    CallRow,
    call_log,
    call_note,
    call_state,
    get_call,
    local_time,
    mark_call,
)
from screens.base import BBScreen, Needs, confirm_then
from screens.note_prompt import NotePrompt
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, PlainTable, cell

OUTCOME_LABEL = Labels(
    {
        "pending": N_("waiting"),
        "job_created": N_("job created"),
        "information": N_("information"),
        "new_prospect": N_("new prospect"),
        "missed": N_("missed"),
        "being_taken": N_("being taken"),
        "interrupted": N_("interrupted"),
    }
)


class CallLogScreen(BBScreen[None]):
    """Calls newest first; a waiting call can be taken, marked information only or missed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), tooltip=N_("Back to the board"), id="calls-back"),
        Binding("t", "take_call", N_("Take call"), tooltip=N_("Open the intake"), id="calls-take"),
        Binding(
            "i", "mark('information')", N_("Info only"), tooltip=N_("Information only, no job"),
            id="calls-info",
        ),
        Binding("m", "mark('missed')", N_("Missed"), tooltip=N_("Mark missed"), id="calls-missed"),
        Binding("n", "note", N_("Note"), tooltip=N_("Write the call's note"), id="calls-note"),
        Binding("ctrl+b", "new_callback", N_("Call back"),
                tooltip=N_("Promise to call the caller back: why and by when"),
                id="calls-callback", show=False),  # 80 columns: F1 and the palette list it
    ]  # fmt: skip

    DEFAULT_CSS = """
    CallLogScreen #call-table {
        height: 1fr;
    }
    CallLogScreen #call-note {
        height: auto;
        max-height: 3;
        color: $text-muted;
    }
    """

    _rows: list[CallRow] = []  # replaced on every load, never mutated
    """The calls shown, in table order."""

    def compose(self) -> ComposeResult:
        """Header, summary, the call table, footer."""
        yield Header()
        yield Plain("", id="calls-summary", classes="summary")
        table: DataTable[str | Text] = PlainTable(id="call-table", cursor_type="row")
        yield table
        yield Plain("", id="call-note")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Columns, first load, and reload on every change."""
        self.title = _("Call log")
        table = self.query_one("#call-table", DataTable)
        table.add_column(_("When"), key="when", width=11)
        table.add_column(_("Number"), key="number", width=15)
        table.add_column(_("Client"), key="client", width=18)
        table.add_column(_("Outcome"), key="outcome", width=12)
        table.add_column(_("Job"), key="job", width=4)
        table.add_column(_("By"), key="by", width=7)
        self.bb.data_changed.subscribe(self, lambda _none: self.load_calls())
        self.load_calls()

    @work(exclusive=True, group="load-calls", exit_on_error=False)
    async def load_calls(self) -> None:
        """Fetch the calls and redraw, keeping the cursor."""
        self._show(await call_log(self.ctx))

    def _show(self, rows: list[CallRow]) -> None:
        self._rows = rows
        table = self.query_one("#call-table", DataTable)
        keep = table.cursor_row if table.row_count else 0
        table.clear()
        for row in rows:
            call = row.call
            outcome = OUTCOME_LABEL[self._outcome_code(row)]
            style = "bold" if call.outcome is CallOutcome.PENDING else ""
            if call.outcome is CallOutcome.MISSED:
                style = "red"
            table.add_row(
                local_time(call.received_at),
                format_for_display(call.e164) or call.raw_number or "—",
                row.client_name or _("(unknown)"),
                cell(outcome, style=style),
                str(call.job_id or ""),
                person_of(call.handled_by),  # "root as beata" is beata's call: 7 columns
                key=str(call.id),
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        self._show_note()
        # Waiting as F3 and the board count it: a call another intake is taking is not.
        waiting = sum(call_state(r.call) in ("pending", "interrupted") for r in rows)
        self.query_one("#calls-summary", Static).update(
            _("Calls {n} · waiting {w}").format(n=len(rows), w=waiting) + " · " + self.keys_hint()
        )

    def _outcome_code(self, row: CallRow) -> str:
        """The outcome shown: a waiting call taken by hand is being taken, or interrupted."""
        return call_state(row.call)

    def on_data_table_row_highlighted(self) -> None:
        """The highlighted call's note goes on the line under the table."""
        self._show_note()

    def _show_note(self) -> None:
        """Show the selected call's note (the table has no room for it at 80 columns)."""
        row = self._selected_row()
        note = shown(call_note(row.call)) if row is not None else None
        text = _("Note: {note}").format(note=note) if note else _("Note: none (n writes one)")
        self.query_one("#call-note", Static).update(text if row is not None else "")

    def keys_hint(self) -> str:
        """The header's keys in the footer's words: ``t/Enter Odbierz · i Tylko info · m …``.

        Built from the bindings themselves (their keys and translated
        descriptions), so the header and the footer never name one action two ways.
        """
        by_id = {a.binding.id: a.binding for a in self.active_bindings.values()}
        parts = []
        for binding_id, also in (
            ("calls-take", "/Enter"),
            ("calls-info", ""),
            ("calls-missed", ""),
        ):
            binding = by_id.get(binding_id)
            if binding is not None:  # translated already (BBScreen.active_bindings)
                parts.append(f"{binding.key}{also} {binding.description}")
        return " · ".join(parts)

    def action_note(self) -> None:
        """Write or correct the note of the selected call."""
        call_id = self._selected_id()
        if call_id is None:
            return
        row = self._selected_row()
        current = shown(row.call.note) if row is not None else None
        prompt = NotePrompt(
            _("Note of the call"), _("what was said"), required=False, value=current or ""
        )
        self.app.push_screen(prompt, lambda note: self._save_note(call_id, note))

    def _save_note(self, call_id: int, note: str | None) -> None:
        if note is not None:
            self.save_note(call_id, note)

    @work(exclusive=True, group="call-note", exit_on_error=False)
    async def save_note(self, call_id: int, note: str) -> None:
        """Save the note through the service (audited)."""
        try:
            await note_call(self.ctx, call_id, note)
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            return
        self.load_calls()

    def action_new_callback(self) -> None:
        """Promise to call the selected call's caller back (reason and time asked)."""
        row = self._selected_row()
        if row is None:
            return
        call = row.call
        if call.e164 is None and call.client_id is None:
            self.notify(_("No number to call back: the caller withheld it."), severity="warning")
            return
        from screens.callback_dialog import ask_callback

        who = row.client_name or format_for_display(call.e164) or call.raw_number
        ask_callback(self, who, client_id=call.client_id, e164=call.e164, call_id=call.id,
                     reason=shown(call.note))  # fmt: skip

    def _selected_row(self) -> CallRow | None:
        call_id = self._selected_id()
        return next((r for r in self._rows if r.call.id == call_id), None)

    def _selected_id(self) -> int | None:
        table = self.query_one("#call-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key else None

    def action_close(self) -> None:
        """Back to the board."""
        self.dismiss(None)

    def action_mark(self, outcome: str) -> None:
        """Close the selected call without a job; a recorded outcome changes only if confirmed.

        A waiting call is marked at once. A call whose outcome is already
        recorded (information, missed, new client) is asked about first, the
        question saying what it was, so a stray ``m`` or ``i`` changes nothing.
        """
        row = self._selected_row()
        if row is None:
            return
        new = CallOutcome(outcome)
        old = row.call.outcome
        if old is CallOutcome.PENDING:
            self.mark(row.call.id, new)
            return
        if old is new:
            self.notify(
                _("This call is already recorded as {outcome}.").format(
                    outcome=OUTCOME_LABEL[old.value]
                )
            )
            return
        question = _("The call of {time} is recorded as {old}. Change it to {new}?").format(
            time=local_time(row.call.received_at),
            old=OUTCOME_LABEL[old.value],
            new=OUTCOME_LABEL[new.value],
        )
        no = _("no, it stays {status}").format(status=OUTCOME_LABEL[old.value])
        call_id = row.call.id

        def answered(yes: bool | None) -> None:
            if yes:
                self.mark(call_id, new)

        confirm_then(self, ConfirmScreen(question, no=no), Needs(Action.CALL_LOG), answered)

    @work(exclusive=True, group="mark-call", exit_on_error=False)
    async def mark(self, call_id: int, outcome: CallOutcome) -> None:
        """Record the outcome; a call that became a job stays as it is."""
        try:
            await mark_call(self.ctx, call_id, outcome)
        except DomainError as err:
            self.notify(str(err), severity="error")

    def on_data_table_row_selected(self) -> None:
        """Enter on a call takes it, like ``t``."""
        self.action_take_call()

    def action_take_call(self) -> None:
        """Open the intake for the selected waiting call."""
        call_id = self._selected_id()
        if call_id is not None:
            self.take(call_id)

    @work(exclusive=True, group="take-call", exit_on_error=False)
    async def take(self, call_id: int) -> None:
        """Open the intake for a waiting call; handled calls only say so."""
        from screens.intake import IntakeScreen

        call = await get_call(self.ctx, call_id)
        if call.outcome is not CallOutcome.PENDING:
            self.notify(_("This call is already handled."), severity="warning")
            return
        await self.app.push_screen(IntakeScreen(call))
