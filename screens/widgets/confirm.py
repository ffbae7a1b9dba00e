"""A yes/no question that keeps the user's work unless they say otherwise."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual._time import get_time
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

    Keys typed ahead, before the question was shown (a burst after the key
    that asked, held by :mod:`screens.key_gate` until it is up), answer it
    only when the first of them is an answer (``Esc y``). A burst that began
    with anything else was not typed at the question (issue 13, H:
    ``Esc F2 601234567Tekst`` closed the call on the ``t`` of ``Tekst``): none
    of its keys answers. A key that is no answer, typed ahead or not, is not
    dropped silently: the line above the answers says which keys were not
    taken. The App's own keys (F1, F2) typed at the question work as anywhere.
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
        self._shown_at = get_time()
        """When the question came up (Textual's clock): keys typed before it were typed ahead."""
        self._ahead_seen = False
        """A key typed ahead has come: only the first such key may answer."""
        self._refused: list[str] = []
        """The keys not taken, as shown (a character, or a key's name)."""

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
            refused = Plain("", id="confirm-refused", classes="field-error")
            refused.display = False
            yield refused
            hint = Plain(self._hint, classes="summary")
            hint.styles.height = "auto"
            yield hint

    def on_mount(self) -> None:
        """The question is up from now: keys typed later were typed at it."""
        self._shown_at = get_time()

    def on_key(self, event: events.Key) -> None:
        """Take an answer; say which other keys are not taken (see the class docstring)."""
        answer = event.key in self._bindings.key_to_bindings
        if event.time < self._shown_at:
            if answer and not self._ahead_seen:
                self._ahead_seen = True  # the first key typed ahead answers; no second one
                return
            self._ahead_seen = True
        elif answer or event.key in self.app._bindings.key_to_bindings:
            return
        event.stop()
        event.prevent_default()
        self._refuse(event)

    def _refuse(self, event: events.Key) -> None:
        """Show ``event`` among the keys not taken, in the order typed."""
        if event.is_printable and event.character:
            self._refused.append(event.character)
        else:
            name = event.key.upper() if event.key[:1] == "f" else event.key
            self._refused.append(f" {name} ")
        keys = " ".join("".join(self._refused).split())
        line = self.query_one("#confirm-refused", Plain)
        room = max(20, line.size.width or 46)
        line.update(clipped(printable(_("Not taken: {keys}").format(keys=keys)), room, 2))
        line.display = True

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
