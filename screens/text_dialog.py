"""One line of required text: an on-hold reason or a job's resolution."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import N_
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.plain import Plain
from screens.widgets.text_input import TextInput

SubmitText = Callable[[str], Awaitable[None]]
"""Saves the text through a service; raises DomainError to keep the dialog open."""


class TextDialog(FormDialog[bool]):
    """Asks for one line, saves it through the given service call, shows its refusal."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save and close"), id="text-save"),
        Binding("enter", "save", N_("Save"), show=False),
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close, save nothing"), id="cancel"),
    ]

    DEFAULT_CSS = """
    TextDialog {
        align: center middle;
        & > Vertical {
            width: 72;
            max-width: 100%;
        }
        #text-value {
            margin: 1 0 0 0;
        }
    }
    """

    def __init__(self, title: str, placeholder: str, submit: SubmitText) -> None:
        super().__init__(cancelled=False)
        self._title = title
        self._placeholder = placeholder
        self._submit = submit

    def compose(self) -> ComposeResult:
        """Title, the line, the error place, the footer."""
        with Vertical():
            yield Plain(self._title, id="text-title")
            yield TextInput(placeholder=self._placeholder, id="text-value", compact=True)
            yield Plain("", id="text-error", classes="field-error")
        yield KeysFooter()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save through the service; stay open with its message if it refuses."""
        self._save()

    @work(exclusive=True, group="text-save", exit_on_error=False)
    async def _save(self) -> None:
        value = self.query_one("#text-value", Input).value
        try:
            await self._submit(value)
        except DomainError as err:
            self.query_one("#text-error", Static).update(str(err))
            return
        await self.bb.saved()  # the screen below shows it before the next key is read
        self.dismiss(True)
