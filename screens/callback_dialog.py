"""Ask why and when to call someone back; returns the reason and the local time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from bbdispatch.clock import format_local_short, local
from bbdispatch.domain.callbacks import NewCallback
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.timeinput import parse_moment
from bbdispatch.i18n import N_, _
from bbdispatch.services.callbacks import add_callback
from bbdispatch.services.errors import USER_ERRORS
from screens.base import BBScreen
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.hints import when_hint
from screens.widgets.plain import Plain, PlainLabel
from screens.widgets.text_input import TextInput

DEFAULT_DELAY = timedelta(hours=1)
"""A callback is due in an hour unless the dispatcher says when."""


class CallbackDialog(FormDialog[tuple[str, datetime] | None]):
    """Reason and time of a callback; ctrl+s or Enter in the time field saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("No callback"), id="cancel"),
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save the callback"), id="save"),
    ]

    DEFAULT_CSS = """
    CallbackDialog > Vertical {
        width: 70;
        max-width: 100%;
    }
    """

    def __init__(
        self, who: str, reason: str = "", *, due: datetime | None = None, error: str = ""
    ) -> None:
        super().__init__(cancelled=None)
        self._who = who
        self._reason = reason
        self._due = due
        """A time typed before (the dialog reopened after a failed save)."""
        self._error = error
        """Why the last try was not saved, shown at once."""

    def compose(self) -> ComposeResult:
        """Who, the reason and the time (each under its label), errors, button."""
        due = format_local_short(self._due or self.ctx.clock.now() + DEFAULT_DELAY)
        with Vertical():
            yield PlainLabel(_("Call back {who}").format(who=self._who))
            # Labels above the fields: both come filled in, and a filled field shows no placeholder.
            yield PlainLabel(_("Why"), classes="field-label")
            yield TextInput(self._reason, id="callback-reason", placeholder=_("why (the note)"))
            yield PlainLabel(_("Call back by"), classes="field-label")
            yield TextInput(due, id="callback-when", placeholder=when_hint())
            yield Plain(self._error, id="callback-error", classes="field-error")
            yield Button(_("Save"), id="callback-save", variant="primary")
        yield KeysFooter()

    @on(Button.Pressed, "#callback-save")
    @on(Input.Submitted, "#callback-when")
    def action_save(self) -> None:
        """Check both fields; a wrong one keeps its text and gets the message."""
        error = self.query_one("#callback-error", Static)
        reason = self.query_one("#callback-reason", Input)
        if not reason.value.strip():
            error.update(_("Say why to call back."))
            reason.focus()
            return
        when = self.query_one("#callback-when", Input)
        now = self.ctx.clock.now()
        try:
            due = parse_moment(when.value, local(now).date())
        except DomainError as err:
            error.update(str(err))
            when.focus()
            return
        if due < now.replace(second=0, microsecond=0):  # this minute still counts
            error.update(_("That time has passed: give a later one."))
            when.focus()
            return
        self.dismiss((reason.value.strip(), due))

    @on(Input.Submitted, "#callback-reason")
    def _next(self) -> None:
        self.query_one("#callback-when", Input).focus()


def ask_callback(
    screen: BBScreen[Any],
    who: str,
    *,
    client_id: int | None = None,
    e164: str | None = None,
    name: str = "",
    call_id: int | None = None,
    reason: str = "",
) -> None:
    """Ask why and when, then save a callback to ``who`` (a client, a number, or both).

    One way to promise a callback from every screen that knows whom (the board's
    selected job, the call log's selected call, the client page): the same
    dialog, the same service (audited), the same toast. It then appears in the
    callback list (``b`` on the board) and the board counts it when due.
    """

    def chosen(result: tuple[str, datetime] | None) -> None:
        if result is None:
            return
        why, due = result
        new = NewCallback(why, due, client_id=client_id, e164=e164, name=name, call_id=call_id)
        screen.run_worker(_save(screen, who, new), group="callback-add", exit_on_error=False)

    screen.app.push_screen(CallbackDialog(who, reason), chosen)


async def _save(screen: BBScreen[Any], who: str, new: NewCallback) -> None:
    try:
        await add_callback(screen.ctx, new)
    except USER_ERRORS as err:
        screen.notify(str(err), severity="error")
        return
    when = format_local_short(new.due_at)
    screen.notify(_("Call back {who} by {when}: in the callback list.").format(who=who, when=when))
