"""The work-entry form: stopping the timer, adding time afterwards, correcting it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Static

from bbdispatch.clock import Clock, format_local, local
from bbdispatch.domain.errors import DomainError, FieldError
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.timeinput import format_moment_input, parse_duration, parse_moment
from bbdispatch.formats import format_day_month
from bbdispatch.i18n import N_, _, pgettext
from bbdispatch.services.timekeeping import TooLong
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.plain import Plain, PlainLabel
from screens.widgets.text_input import TextInput


@dataclass(frozen=True)
class EntryValues:
    """What the form read; times are aware UTC datetimes."""

    started_at: datetime | None
    """None when stopping a timer (its start stays)."""
    ended_at: datetime | None
    """None when stopping a timer now."""
    description: str
    mode: JobMode
    billable: bool
    long: bool = False
    """Confirmed: it really took longer than the price list's ``timer_limit_hours``."""


SubmitEntry = Callable[[EntryValues], Awaitable[None]]
"""Saves the entry through a service; raises DomainError to keep the form open."""


@dataclass(frozen=True)
class EntryDefaults:
    """What the form starts with."""

    title: str
    mode: JobMode
    started_at: datetime | None = None
    ended_at: datetime | None = None
    description: str = ""
    billable: bool = True
    stopping: bool = False
    """Stopping a running timer: the start is fixed, an empty end means now."""


class KeyedCheckbox(Checkbox, inherit_bindings=False):
    """A checkbox that changes money: Tab reaches it, Space or its own key ticks it, Enter saves.

    Every field of a form is reached by Tab in screen order (issue 13: the
    timer-stop dialog's On site and Billable were reachable only by ^O and ^B).
    Text typed in a field never reaches it: a space stays in the field that has
    the focus; the box changes only while it shows the focus (Space), by its own
    key (named in its label) or a click. Enter saves the form, as it does in the
    text fields: Textual's checkbox ticks on Enter too, which would flip
    Billable for a person who pressed Enter to save.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", N_("Tick or untick"), show=False),
        Binding("enter", "screen.save", N_("Save"), show=False),
    ]


class EntryDialog(FormDialog[bool]):
    """Start/end or a duration, a description for the client, on-site and billable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save the entry"), id="entry-save"),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close, save nothing"), id="cancel"),
        # The money checkboxes change only by their own keys (named in their labels).
        Binding("ctrl+o", "tick_box('entry-onsite')", N_("On site"), show=False),
        Binding("ctrl+b", "tick_box('entry-billable')", N_("Billable"), show=False),
        Binding("ctrl+l", "tick_box('entry-long')", N_("It really took this long"), show=False),
    ]

    DEFAULT_CSS = """
    EntryDialog {
        align: center middle;
        & > Vertical {
            width: 76;
            max-width: 100%;
        }
        Horizontal {
            height: auto;
        }
        Label {
            width: 13;
        }
        Input {
            width: 1fr;
        }
        #entry-hint {
            color: $text-muted;
        }
        Checkbox {
            margin: 0 2 0 0;
        }
        .field-error {
            display: none;
        }
        .field-error.-shown {
            display: block;
        }
        #entry-long.-ask {
            display: none;
        }
    }
    """

    def __init__(self, defaults: EntryDefaults, clock: Clock, submit: SubmitEntry) -> None:
        super().__init__(cancelled=False)
        self._defaults = defaults
        self._clock = clock
        self._submit = submit

    def compose(self) -> ComposeResult:
        """The fields, each with its error line, and the footer."""
        d = self._defaults
        today = local(self._clock.now()).date()
        with Vertical():
            yield Plain(d.title, id="entry-title")
            if d.stopping and d.started_at is not None:
                yield Plain(_("Started {at}").format(at=format_local(d.started_at)))
            else:
                yield from self._row(
                    "start", pgettext("time", "Start"), d.started_at, today, "08:30"
                )
            if d.stopping:
                # What is typed when a timer stops, so it comes first: the end is
                # "now" unless changed (issue 13: focus and Tab follow the screen).
                yield from self._description(d.description)
            yield from self._row("end", pgettext("time", "End"), d.ended_at, today, _("now"))
            if not d.stopping:
                yield from self._row("duration", _("Duration"), None, today, "1:30")
                yield from self._description(d.description)
            with Horizontal():
                yield KeyedCheckbox(
                    _("On site") + " ^O", d.mode is JobMode.ONSITE, id="entry-onsite",
                    compact=True,
                )  # fmt: skip
                yield KeyedCheckbox(
                    _("Billable") + " ^B", d.billable, id="entry-billable", compact=True
                )
                # Shown only after the service found the entry too long (a forgotten timer).
                yield KeyedCheckbox(
                    _("It really took this long") + " ^L", False, id="entry-long", compact=True,
                    classes="-ask",
                )  # fmt: skip
            example = format_day_month(date(2026, 11, 23)) + " 14:30"
            hint = _("Times: 14:30 or {example}. Duration alone ends now.").format(example=example)
            yield Plain(hint, id="entry-hint")
            yield Plain("", id="error-form", classes="field-error")
        yield KeysFooter()

    def _description(self, text: str) -> ComposeResult:
        with Horizontal():
            yield PlainLabel(_("Description"))
            yield TextInput(
                text, placeholder=_("for the client's statement"), id="entry-description",
                compact=True,
            )  # fmt: skip
        yield Plain("", id="error-description", classes="field-error")

    def _row(
        self, key: str, label: str, value: datetime | None, today: date, hint: str
    ) -> ComposeResult:
        text = format_moment_input(value, today) if value is not None else ""
        with Horizontal():
            yield PlainLabel(label)
            yield TextInput(text, placeholder=hint, id=f"entry-{key}", compact=True)
        yield Plain("", id=f"error-{key}", classes="field-error")

    def on_mount(self) -> None:
        """Start at the first field (the description when stopping a timer, else the start)."""
        first = "#entry-description" if self._defaults.stopping else "#entry-start"
        self.query_one(first, Input).focus()

    def action_tick_box(self, which: str) -> None:
        """Tick or untick a money checkbox by its own key; the long one only once asked."""
        box = self.query_one(f"#{which}", Checkbox)
        if box.has_class("-ask"):
            return
        box.toggle()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Check the fields, then save through the service."""
        self._save()

    def _text(self, key: str) -> str:
        found = self.query(f"#entry-{key}")
        return found.first(Input).value.strip() if found else ""

    def _read(self) -> EntryValues | None:
        for error in self.query(".field-error"):
            assert isinstance(error, Static)
            _show_error(error, "")
        now = self._clock.now()
        today = local(now).date()
        moments: dict[str, datetime | None] = {}
        for key in ("start", "end"):
            try:
                text = self._text(key)
                moments[key] = parse_moment(text, today) if text else None
            except DomainError as err:
                return self._field_error(key, str(err))
        start, end = moments["start"], moments["end"]
        if not self._defaults.stopping:
            duration_text = self._text("duration")
            if duration_text:
                try:
                    duration = parse_duration(duration_text)
                except DomainError as err:
                    return self._field_error("duration", str(err))
                if start is not None and end is None:
                    end = start + duration
                else:
                    end = end or now
                    start = end - duration
            elif start is None:
                return self._field_error("start", _("Enter the start, or a duration."))
            else:
                end = end or now
        if not self._text("description"):
            return self._field_error(
                "description", _("Describe the work for the client's statement.")
            )
        return EntryValues(
            started_at=start,
            ended_at=end,
            description=self._text("description"),
            mode=(
                JobMode.ONSITE
                if self.query_one("#entry-onsite", Checkbox).value
                else JobMode.REMOTE
            ),
            billable=self.query_one("#entry-billable", Checkbox).value,
            long=self.query_one("#entry-long", Checkbox).value,
        )

    def _field_error(self, key: str, message: str) -> EntryValues | None:
        _show_error(self.query_one(f"#error-{key}", Static), message)
        self.query_one(f"#entry-{key}", Input).focus()
        return None

    @work(exclusive=True, group="entry-save", exit_on_error=False)
    async def _save(self) -> None:
        values = self._read()
        if values is None:
            return
        try:
            await self._submit(values)
        except TooLong as err:
            # A forgotten timer: ask for the real end, or for a confirmation of the length.
            self.query_one("#entry-long", Checkbox).remove_class("-ask")
            _show_error(self.query_one("#error-end", Static), str(err))
            self.query_one("#entry-end", Input).focus()
            return
        except FieldError as err:
            # A start before the job was received: shown at the start, not under the form.
            key = {"from": "start", "to": "end", "text": "description"}.get(err.field, "")
            if key and self.query(f"#error-{key}") and self.query(f"#entry-{key}"):
                self._field_error(key, str(err))
            else:
                _show_error(self.query_one("#error-form", Static), str(err))
            return
        except DomainError as err:
            _show_error(self.query_one("#error-form", Static), str(err))
            return
        await self.bb.saved()  # the list below shows it before the next key is read
        self.dismiss(True)


def _show_error(place: Static, message: str) -> None:
    """Show a message in its place under the field, or hide the empty place."""
    place.update(message)
    place.set_class(bool(message), "-shown")
