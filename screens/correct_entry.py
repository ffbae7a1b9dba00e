"""An admin corrects a work entry already on an issued statement (audited, shown next time)."""

from __future__ import annotations

from datetime import datetime, time
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Static

from bbdispatch.clock import format_local
from bbdispatch.dates import parse_day
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.statements import StatementLine
from bbdispatch.domain.timeinput import firm_moment
from bbdispatch.i18n import N_, _, pgettext
from bbdispatch.services.corrections import correct_locked_entry
from bbdispatch.services.timekeeping import TooLong
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.plain import Plain, PlainLabel
from screens.widgets.text_input import TextInput


class CorrectEntryScreen(FormDialog[int | None]):
    """Day, start, end, description and the reason for the correction."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close"), id="cancel"),
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save the correction"), id="save"),
    ]

    DEFAULT_CSS = """
    CorrectEntryScreen > Vertical {
        width: 70;
        border: round $warning;
    }
    CorrectEntryScreen #correct-long.-ask {
        display: none;
    }
    CorrectEntryScreen .correct-row {
        height: auto;
    }
    CorrectEntryScreen .correct-label {
        width: 12;
    }
    CorrectEntryScreen .correct-row Input {
        width: 1fr;
    }
    """

    def __init__(self, line: StatementLine) -> None:
        super().__init__(cancelled=None)
        self.line = line
        """The locked entry being corrected."""
        assert line.started_at is not None
        assert line.ended_at is not None
        self._start = line.started_at
        self._end = line.ended_at

    def compose(self) -> ComposeResult:
        """The entry's fields, prefilled, and the reason."""
        with Vertical():
            yield PlainLabel(_("Correct billed entry (job {job})").format(job=self.line.job_number))
            fields = (
                (_("Date"), format_local(self._start).split(" ")[0], "day", ""),
                (
                    pgettext("time", "Start"),
                    format_local(self._start, with_date=False),
                    "start",
                    "",
                ),
                (pgettext("time", "End"), format_local(self._end, with_date=False), "end", ""),
                (_("Description"), self.line.description, "description", ""),
                (_("Reason"), "", "reason", _("Why it is corrected")),
            )
            for label, value, key, hint in fields:
                with Horizontal(classes="correct-row"):
                    yield PlainLabel(label, classes="correct-label")
                    yield TextInput(value, id=key, placeholder=hint, compact=True)
            # Shown only when the service finds the entry longer than the price list allows.
            yield Checkbox(
                _("It really took this long"), False, id="correct-long", compact=True,
                classes="-ask",
            )  # fmt: skip
            yield Plain("", id="correct-error", classes="field-error")
            yield Button(_("Save"), id="save", variant="warning")
        yield KeysFooter()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Read the times and save through the service."""
        try:
            day = parse_day(self.query_one("#day", Input).value)
            # One reading of firm times: a time the clocks skip or show twice is refused.
            start = firm_moment(datetime.combine(day, _time(self.query_one("#start", Input).value)))
            end = firm_moment(datetime.combine(day, _time(self.query_one("#end", Input).value)))
        except (ValueError, DomainError) as err:
            self.query_one("#correct-error", Static).update(str(err))
            return
        self.save(start, end)

    @work(exclusive=True, group="correct-entry", exit_on_error=False)
    async def save(self, start: datetime, end: datetime) -> None:
        """Correct; a refusal (not an admin, overlap, no reason) stays in the form."""
        try:
            correction = await correct_locked_entry(
                self.ctx, self.line.entry_id, started_at=start, ended_at=end,
                description=self.query_one("#description", Input).value,
                reason=self.query_one("#reason", Input).value,
                long=self.query_one("#correct-long", Checkbox).value,
            )  # fmt: skip
        except TooLong as err:
            self.query_one("#correct-long", Checkbox).remove_class("-ask")
            self.query_one("#correct-error", Static).update(str(err))
            self.query_one("#end", Input).focus()
            return
        except DomainError as err:
            self.query_one("#correct-error", Static).update(str(err))
            return
        self.notify(_("Corrected; the next statement shows it."))
        self.dismiss(correction)


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip().zfill(5))
    except ValueError as err:
        raise ValueError(_("Not a time: '{t}' (use 14:30).").format(t=text)) from err
