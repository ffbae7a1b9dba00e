"""Asks what to do with runs a task's schedule had before today (new task, or resumed)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList

from bbdispatch.clock import format_local
from bbdispatch.domain.recurring import MISSED_RUNS_LABELS, MissedRuns
from bbdispatch.domain.schedule import MAX_CATCH_UP
from bbdispatch.i18n import N_, _, ngettext
from screens.base import BBModal
from screens.widgets.pick_list import PickList
from screens.widgets.plain import Plain, plain_option


class MissedRunsDialog(BBModal[MissedRuns | None]):
    """The question about missed runs; Enter takes the highlighted answer, Esc goes back.

    The first answer, highlighted at the start, is "none: start from today":
    a first run months back must not make a pile of late jobs by accident.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), tooltip=N_("Back without saving"), id="missed-back"),
    ]

    DEFAULT_CSS = """
    MissedRunsDialog {
        align: center middle;
    }
    MissedRunsDialog > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        border: round $warning;
        background: $surface;
        padding: 0 1;
    }
    MissedRunsDialog #missed-choice {
        height: auto;
        margin-top: 1;
    }
    """

    def __init__(self, missed: list[datetime]) -> None:
        super().__init__()
        self._missed = missed

    def compose(self) -> ComposeResult:
        """How many runs are missed and between which dates; the three answers."""
        n = len(self._missed)
        span = format_local(self._missed[0])
        if n > 1:
            span += " – " + format_local(self._missed[-1])
        with Vertical():
            yield Plain(
                ngettext(
                    "The schedule had {n} run before today ({span}). Make it now?",
                    "The schedule had {n} runs before today ({span}). Make them now?",
                    n,
                ).format(n=n, span=span),
                id="missed-question",
            )
            yield PickList(
                plain_option(MISSED_RUNS_LABELS[MissedRuns.NONE], id=MissedRuns.NONE.value),
                plain_option(MISSED_RUNS_LABELS[MissedRuns.LATEST], id=MissedRuns.LATEST.value),
                plain_option(
                    MISSED_RUNS_LABELS[MissedRuns.ALL].format(n=MAX_CATCH_UP),
                    id=MissedRuns.ALL.value,
                ),
                id="missed-choice",
            )
            yield Plain(
                _("Missed runs are made late. Enter: choose · Esc: back"), classes="summary"
            )

    def on_mount(self) -> None:
        """Start on "none"."""
        choice = self.query_one("#missed-choice", OptionList)
        choice.highlighted = 0
        choice.focus()

    @on(OptionList.OptionSelected, "#missed-choice")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(MissedRuns(str(event.option.id)))

    def action_back(self) -> None:
        """Back to the form; nothing is saved."""
        self.dismiss(None)
