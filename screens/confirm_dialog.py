"""A yes/no question that a technician answers with one key."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from bbdispatch.i18n import _


class ConfirmDialog(ModalScreen[bool]):
    """Asks before anything that cannot be undone from the keyboard in one step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", _("Yes"), tooltip=_("Go ahead"), id="confirm-yes"),
        Binding("n", "answer(False)", _("No"), tooltip=_("Leave it as it is"), id="confirm-no"),
        Binding("escape", "answer(False)", _("Cancel"), id="confirm-cancel"),
    ]

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
        & > Vertical {
            width: 64;
            max-width: 100%;
            height: auto;
            border: round $warning;
            background: $surface;
            padding: 0 1;
        }
    }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        """The question and the keys."""
        with Vertical():
            yield Static(self._question, id="confirm-question")
            yield Static(_("y = yes, n = no"), classes="summary")
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
