"""My work entries of the last 7 days: check them, correct them, delete mistakes."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from bbdispatch.clock import format_local, format_local_short, local
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action
from bbdispatch.domain.timeinput import EDIT_WINDOW_DAYS
from bbdispatch.domain.work import WorkEntry
from bbdispatch.formats import format_day_month, format_duration
from bbdispatch.i18n import N_, _, ngettext
from bbdispatch.services.my_entries import delete_my_entry, edit_my_entry, my_recent_entries
from screens.base import BBScreen, Needs, confirmed
from screens.entry_dialog import EntryDefaults, EntryDialog, EntryValues
from screens.widgets.board_columns import MODE_LABEL
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.plain import Plain, PlainTable


def _entry_end(entry: WorkEntry) -> str:
    """The end as the entries table shows it: ``02:24``, or ``30.11 02:24`` on another day."""
    if entry.ended_at is None:
        return _("now")
    if local(entry.ended_at).date() != local(entry.started_at).date():
        return format_local_short(entry.ended_at)
    return format_local(entry.ended_at, with_date=False)


class MyEntriesScreen(BBScreen[None]):
    """The technician's own entries, newest first; locked ones are marked."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), tooltip=N_("Back to my jobs"), id="back"),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Correct the entry"), id="entry-edit"),
        Binding("x", "delete", N_("Delete"), tooltip=N_("Delete the entry"), id="entry-delete"),
    ]

    DEFAULT_CSS = """
    MyEntriesScreen #entries {
        height: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[WorkEntry] = []
        self._keys_for: bool | None = None
        """Whether any entry was listed when the footer's keys were last drawn."""

    def compose(self) -> ComposeResult:
        """Header, totals, the entries, footer."""
        yield Header()
        yield Plain("", id="entries-summary", classes="summary")
        table: DataTable[str | Text] = PlainTable(id="entries", cursor_type="row")
        yield table
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        """Columns, first load and live refresh."""
        table = self.query_one("#entries", DataTable)
        # At 80 columns: the date without its year (entries are of the last days),
        # room for an end on another day (16:00–30.11 02:24) and 82:24:30 in full.
        table.add_column(_("Date"), key="date", width=5)
        table.add_column(_("From–to"), key="span", width=17)
        table.add_column(_("Time"), key="time", width=8)
        table.add_column(_("Job"), key="job", width=4)
        mode_width = max(7, *(len(label) for label in MODE_LABEL.values()))  # any language
        table.add_column(_("Mode"), key="mode", width=mode_width)
        table.add_column(_("Bill"), key="bill", width=4)
        table.add_column(_("Description"), key="description", width=18)
        self.bb.data_changed.subscribe(self, lambda _none: self.load())
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Edit and delete are shown disabled with nothing to act on."""
        if action in ("edit", "delete") and not self._entries:
            return None
        return True

    def why_disabled(self, action: str, parameters: tuple[object, ...] = ()) -> str | None:
        """Said when edit or delete is pressed with no entry to act on."""
        if action in ("edit", "delete"):
            return _("No entry selected: you have no entries in the last {days} days.").format(
                days=EDIT_WINDOW_DAYS
            )
        return None

    @property
    def selected(self) -> WorkEntry | None:
        """The entry under the cursor."""
        table = self.query_one("#entries", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((e for e in self._entries if str(e.id) == key), None)

    @work(exclusive=True, group="entries-load", exit_on_error=False)
    async def load(self) -> None:
        """Fetch my recent entries and redraw."""
        self._entries = await my_recent_entries(self.ctx, self.bb.user)
        table = self.query_one("#entries", DataTable)
        keep = table.cursor_row
        table.clear()
        for e in self._entries:
            end = _entry_end(e)
            lock = "🔒 " if e.statement_id is not None else ""
            table.add_row(
                format_day_month(local(e.started_at).date()),
                f"{format_local(e.started_at, with_date=False)}–{end}",
                format_duration(e.length(self.ctx.clock.now())),
                str(e.job_id),
                MODE_LABEL[e.mode],
                _("yes") if e.billable else _("no"),
                lock + (e.description or _("(timer running)")),
                key=str(e.id),
            )
        if self._entries:
            table.move_cursor(row=min(max(keep, 0), len(self._entries) - 1))
        total = sum((e.length() for e in self._entries if not e.running), timedelta())
        self.query_one("#entries-summary", Static).update(
            ngettext(
                "Last {days} days: {time} in {n} entry · 🔒 = on an issued statement",
                "Last {days} days: {time} in {n} entries · 🔒 = on an issued statement",
                len(self._entries),
            ).format(days=EDIT_WINDOW_DAYS, time=format_duration(total), n=len(self._entries))
        )
        if bool(self._entries) != self._keys_for:  # edit and delete dim with no entry
            self._keys_for = bool(self._entries)
            self.refresh_bindings()

    def action_edit(self) -> None:
        """Correct the selected entry."""
        entry = self.selected
        if entry is None:
            return
        if entry.running:
            self.notify(_("Stop the timer before changing it."), severity="error")
            return

        async def submit(values: EntryValues) -> None:
            assert values.started_at is not None
            assert values.ended_at is not None
            await edit_my_entry(
                self.ctx, self.bb.user, entry.id, started_at=values.started_at,
                ended_at=values.ended_at, description=values.description, mode=values.mode,
                billable=values.billable, long=values.long,
            )  # fmt: skip

        defaults = EntryDefaults(
            title=_("Correct the entry on job {id}").format(id=entry.job_id), mode=entry.mode,
            started_at=entry.started_at, ended_at=entry.ended_at,
            description=entry.description, billable=entry.billable,
        )  # fmt: skip
        self.app.push_screen(EntryDialog(defaults, self.ctx.clock, submit))

    def action_delete(self) -> None:
        """Delete the selected entry after asking."""
        self._delete()

    @work(exclusive=True, group="entries-delete", exit_on_error=False)
    async def _delete(self) -> None:
        entry = self.selected
        if entry is None:
            return
        question = _("Delete {time} on job {job} ({start})?").format(
            time=format_duration(entry.length(self.ctx.clock.now())),
            job=entry.job_id,
            start=format_local(entry.started_at),
        )
        needs = Needs(Action.TIME_EDIT, entry_id=entry.id)
        if not await confirmed(self, ConfirmScreen(question), needs):
            return
        try:
            await delete_my_entry(self.ctx, self.bb.user, entry.id)
        except DomainError as err:
            self.notify(str(err), severity="error")
            return
        self.notify(_("Entry deleted."))
