"""What came of a callback: done, no answer (it stays open), or called off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from bbdispatch.clock import format_local_short, local
from bbdispatch.domain.callbacks import Callback
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.messages import shown
from bbdispatch.domain.timeinput import parse_moment
from bbdispatch.i18n import N_, _, ngettext
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.hints import when_hint
from screens.widgets.plain import Plain, PlainLabel
from screens.widgets.text_input import TextInput

RETRY_AFTER = timedelta(hours=1)
"""After no answer, the next try is proposed an hour later."""

Kind = Literal["done", "no_answer", "called_off"]


@dataclass(frozen=True)
class CallbackOutcome:
    """The dispatcher's answer: what happened, the note, and for no answer the next try."""

    kind: Kind
    note: str
    next_try: datetime | None = None
    """UTC; None keeps the callback's time (no answer only)."""


def attempts_text(cb: Callback) -> str:
    """``2 tries, last 01.12 10:15: No answer`` (empty when never tried)."""
    if not cb.attempts or cb.last_attempt_at is None:
        return ""
    return ngettext(
        "{n} try, last {when}: {note}", "{n} tries, last {when}: {note}", cb.attempts
    ).format(
        n=cb.attempts,
        when=format_local_short(cb.last_attempt_at),
        note=shown(cb.last_attempt_note),
    )


class CallbackOutcomeDialog(FormDialog[CallbackOutcome | None]):
    """Enter: done (what came of it); ctrl+n: no answer, try again; ctrl+o: call it off."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"),
                tooltip=N_("Close, record nothing (asks first if anything was typed)"),
                id="cancel"),
        Binding("ctrl+s", "answer('done')", N_("Done"),
                tooltip=N_("Called back: record what came of it"), id="cb-done"),
        Binding("ctrl+n", "answer('no_answer')", N_("No answer"),
                tooltip=N_("Nobody answered: keep it open for the next try"), id="cb-no-answer"),
        Binding("ctrl+o", "answer('called_off')", N_("Call off"),
                tooltip=N_("No longer needed: close it without calling"), id="cb-call-off"),
    ]  # fmt: skip

    DEFAULT_CSS = """
    CallbackOutcomeDialog > Vertical {
        width: 70;
        max-width: 100%;
    }
    CallbackOutcomeDialog #cb-buttons {
        height: auto;
    }
    CallbackOutcomeDialog #cb-buttons Button {
        margin-right: 1;
    }
    """

    def __init__(self, callback: Callback) -> None:
        super().__init__(cancelled=None)
        self.callback = callback
        """The callback being worked off."""

    def compose(self) -> ComposeResult:
        """Whom and why, the note, the next try, errors, buttons."""
        cb = self.callback
        who = cb.client_name or cb.name or _("(unknown)")
        retry = format_local_short(self.ctx.clock.now() + RETRY_AFTER)
        with Vertical():
            yield Plain(_("Call back {who}: {reason}").format(who=who, reason=cb.reason))
            tries = Plain(attempts_text(cb), id="cb-attempts", classes="summary")
            tries.display = bool(cb.attempts)
            yield tries
            yield TextInput(id="cb-note", placeholder=_("what came of it"))
            yield PlainLabel(_("Next try (no answer):"))
            yield TextInput(retry, id="cb-next", placeholder=when_hint())
            yield Plain("", id="cb-error", classes="field-error")
            with Horizontal(id="cb-buttons"):
                yield Button(_("Done"), id="cb-done-button", variant="primary")
                yield Button(_("No answer"), id="cb-no-answer-button")
        yield KeysFooter()

    @on(Input.Submitted, "#cb-note")
    @on(Button.Pressed, "#cb-done-button")
    def _done(self) -> None:
        self.action_answer("done")

    @on(Button.Pressed, "#cb-no-answer-button")
    @on(Input.Submitted, "#cb-next")
    def _no_answer(self) -> None:
        self.action_answer("no_answer")

    def action_answer(self, kind: Kind) -> None:
        """Check and close with the answer; a wrong field keeps its text and gets the message."""
        error = self.query_one("#cb-error", Static)
        note = self.query_one("#cb-note", Input)
        if kind == "done" and not note.value.strip():
            error.update(_("Say what came of the call."))
            note.focus()
            return
        next_try = None
        if kind == "no_answer":
            when = self.query_one("#cb-next", Input)
            now = self.ctx.clock.now()
            try:
                next_try = (
                    parse_moment(when.value, local(now).date()) if when.value.strip() else None
                )
            except DomainError as err:
                error.update(str(err))
                when.focus()
                return
            if next_try is not None and next_try < now.replace(second=0, microsecond=0):
                error.update(_("That time has passed: give a later one."))
                when.focus()
                return
        self.dismiss(CallbackOutcome(kind, note.value.strip(), next_try))
