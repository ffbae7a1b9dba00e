"""The client's IT needs and the agreed rules of work; every revision is kept and shown."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Static

from bbdispatch.clock import local_today
from bbdispatch.dates import format_day, parse_day
from bbdispatch.domain.errors import DomainError, FieldError
from bbdispatch.formats import format_number_mark
from bbdispatch.i18n import N_, _
from bbdispatch.services.contracts import assessments, record_assessment
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.message_line import MessageLine
from screens.widgets.plain import Plain, PlainLabel
from screens.widgets.text_input import TextInput


def show_rules_refusal(dialog: Screen[Any], err: FieldError, general: str) -> None:
    """Put a refusal of the agreed rules under the rules field (focused), others at ``general``.

    The assessment dialog and the sign dialog both ask for the rules; the
    service refuses empty ones (``rules``). Nothing typed is cleared.
    """
    rules_error = dialog.query_one("#rules-error", Static)
    if err.field == "rules":
        rules_error.update(str(err))
        dialog.query_one(general, Static).update("")
        dialog.query_one("#rules", Input).focus()
        return
    rules_error.update("")
    dialog.query_one(general, Static).update(str(err))


class AssessmentScreen(FormDialog[int | None]):
    """Record a needs assessment (or a waiver with its reason) before a service contract."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without saving"),
                id="cancel"),
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save this revision"), id="save"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    AssessmentScreen > Vertical {
        width: 70;
        max-height: 100%;
    }
    AssessmentScreen #revisions {
        height: auto;
        max-height: 6;
        color: $text-muted;
    }
    """

    def __init__(self, client_id: int) -> None:
        super().__init__(cancelled=None)
        self.client_id = client_id
        """The client whose needs are assessed."""

    def compose(self) -> ComposeResult:
        """Date, needs, rules, waiver, errors, earlier revisions."""
        with Vertical():
            yield PlainLabel(_("Needs assessment"))
            yield TextInput(format_day(local_today(self.ctx.clock)), id="assessed-on")
            yield TextInput("", id="needs", placeholder=_("The client's IT needs"))
            yield TextInput("", id="rules", placeholder=_("Agreed rules of work"))
            yield MessageLine("", id="rules-error", classes="field-error")
            yield Checkbox(_("Waived"), id="waived")
            yield TextInput("", id="waiver-reason", placeholder=_("Why it is waived"))
            yield Plain("", id="assessment-error", classes="field-error")
            yield Button(_("Save"), id="save", variant="primary")
            yield Plain("", id="revisions")
        yield KeysFooter()

    def on_mount(self) -> None:
        """Show the earlier revisions."""
        self.load_revisions()

    @work(exclusive=True, group="load-assessments", exit_on_error=False)
    async def load_revisions(self) -> None:
        """List every kept revision, newest first."""
        found = await assessments(self.ctx, self.client_id)
        lines = [
            f"{format_number_mark(a.revision)} {format_day(a.assessed_on)} "
            + (_("waived: {r}").format(r=a.waiver_reason) if a.waived else f"{a.needs} · {a.rules}")
            for a in found
        ]
        self.query_one("#revisions", Static).update(
            "\n".join(lines) or _("No needs assessment recorded yet.")
        )

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Check the date and save through the service."""
        try:
            day = parse_day(self.query_one("#assessed-on", Input).value)
        except ValueError as err:
            self.query_one("#assessment-error", Static).update(str(err))
            return
        self.save(day)

    @work(exclusive=True, group="save-assessment", exit_on_error=False)
    async def save(self, day: date) -> None:
        """Record the revision; a refusal stays next to the form."""
        try:
            assessment_id = await record_assessment(
                self.ctx, self.client_id, day, self.query_one("#needs", Input).value,
                self.query_one("#rules", Input).value,
                waived=self.query_one("#waived", Checkbox).value,
                waiver_reason=self.query_one("#waiver-reason", Input).value,
            )  # fmt: skip
        except FieldError as err:
            show_rules_refusal(self, err, "#assessment-error")
            return
        except DomainError as err:
            self.query_one("#rules-error", Static).update("")
            self.query_one("#assessment-error", Static).update(str(err))
            return
        self.notify(_("Needs assessment saved."))
        self.dismiss(assessment_id)
