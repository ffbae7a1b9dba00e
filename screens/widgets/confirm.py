"""A yes/no question that keeps the user's work unless they say otherwise."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from bbdispatch.i18n import N_, _
from screens.base import BBModal
from screens.widgets.plain import Plain


class ConfirmScreen(BBModal[bool]):
    """Asks one question; ``y`` answers yes, ``n`` or Esc no.

    The one yes/no dialog of the app, so every "are you sure?" reads and
    answers the same way; ``hint`` lets a caller say what "no" keeps.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm-yes"),
        Binding("n", "answer(False)", N_("No"), id="confirm-no"),
        Binding("escape", "answer(False)", N_("No"), show=False, id="confirm-escape"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > Vertical {
        width: 50;
        height: auto;
        border: round $warning;
        background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, question: str, hint: str | None = None) -> None:
        super().__init__()
        self._question = question
        self._hint = _("y: yes · n / Esc: no") if hint is None else hint

    def compose(self) -> ComposeResult:
        """The question and the keys that answer it."""
        with Vertical():
            yield Plain(self._question, id="confirm-question")
            yield Plain(self._hint, classes="summary")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
