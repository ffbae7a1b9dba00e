"""A yes/no question that keeps the user's work unless they say otherwise."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from bbdispatch.i18n import N_, _
from bbdispatch.text import clipped, printable
from screens.base import BBModal
from screens.widgets.plain import Plain


def answer_hint(yes: str, no: str) -> str:
    """The line under every question: ``y: yes · n / Esc: no`` / ``t: tak · n / Esc: nie``.

    One wording for every dialog; the yes key shown is the one of the
    session's language (both answer in either language, see
    :class:`ConfirmScreen`). ``yes`` and ``no`` say what each answer does.
    """
    return _("y: {yes} · n / Esc: {no}").format(yes=yes, no=no)


QUESTION_LINES = 12
"""The most lines a question takes; a longer one (a 10 000-character stored name) is cut.

The answer line below it is always on screen, at 80x24 too; the question's
start and end stay (its amount and consequences follow the name)."""


class ConfirmScreen(BBModal[bool]):
    """Asks one question; ``y`` or ``t`` (tak) answers yes, ``n`` or Esc no.

    The one yes/no dialog of the app, so every "are you sure?" reads and
    answers the same way. No key depends on an English word: a Polish
    dispatcher answers ``t`` (tak) as the dialog says, an English one ``y``,
    and both keys work in both languages (F1 lists both). ``yes`` and ``no``
    let a caller say what each answer does (``no, keep editing``); ``hint``
    replaces the whole line (kept for tests of literal text).

    The question's height is bounded (:data:`QUESTION_LINES`, and the screen's
    height less the frame and the answer line): a question longer than that
    loses its middle to one ``…`` (:func:`bbdispatch.text.clipped`), so a
    stored name of any length never pushes the amount or the answer line off
    the screen.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # t first: in Polish both are "Tak", one palette entry "Tak (t / y)" (screens.keys).
        Binding("t", "answer(True)", N_("Yes (tak)"), id="confirm-tak"),
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
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $warning;
        background: $surface;
        padding: 0 1;
    }
    """

    def __init__(
        self,
        question: str,
        hint: str | None = None,
        *,
        yes: str | None = None,
        no: str | None = None,
    ) -> None:
        super().__init__()
        self._question = question
        self._hint = answer_hint(yes or _("yes"), no or _("no")) if hint is None else hint

    def compose(self) -> ComposeResult:
        """The question and the keys that answer it."""
        # As wide as the answer line needs (at least 50 columns), then
        # wrapped at the screen's edge: a long Polish answer is never cut.
        with Vertical() as box:
            box.styles.width = max(50, cell_len(self._hint) + 6)
            screen = self.app.size
            room = min(max(50, cell_len(self._hint) + 6), screen.width) - 4  # frame, padding
            lines = min(QUESTION_LINES, screen.height - 6)  # frame, answer line, a margin
            text = clipped(printable(self._question, multiline=True), room, lines)
            yield Plain(text, id="confirm-question")
            hint = Plain(self._hint, classes="summary")
            hint.styles.height = "auto"
            yield hint

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
