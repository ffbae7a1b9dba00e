"""A small dialog asking for the note a status change needs (resolution, reason)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from bbdispatch.i18n import N_, _
from screens.widgets.form_dialog import FormDialog
from screens.widgets.plain import Plain, PlainLabel
from screens.widgets.text_input import TextInput


class NotePrompt(FormDialog[str | None]):
    """Ask for one line of text; Enter confirms, Esc cancels (returns None; asks if typed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), tooltip=N_("Close without a change"), id="cancel"
        ),
    ]

    DEFAULT_CSS = """
    NotePrompt {
        align: center middle;
    }
    NotePrompt > Vertical {
        width: 70;
        max-width: 95%;
        height: auto;
        border: round $primary;
        padding: 0 1;
        background: $surface;
    }
    """

    def __init__(
        self, title: str, placeholder: str = "", required: bool = True, value: str = ""
    ) -> None:
        """``value``: the text there is now (a note being corrected), shown to edit, not lost."""
        super().__init__(cancelled=None)
        self._title = title
        self._placeholder = placeholder
        self._required = required
        self._value = value

    def compose(self) -> ComposeResult:
        """Title, the input and a line for the error."""
        with Vertical():
            yield PlainLabel(self._title)
            yield TextInput(self._value, placeholder=self._placeholder, id="note-input")
            yield Plain("", id="note-error", classes="field-error")

    @on(Input.Submitted, "#note-input")
    def _confirm(self, event: Input.Submitted) -> None:
        if self._required and not event.value.strip():
            self.query_one("#note-error", Static).update(_("This cannot be empty."))
            return
        self.dismiss(event.value.strip())
