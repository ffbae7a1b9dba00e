"""F1: every key of the screen underneath, grouped by purpose, and how dispatch works."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown

from bbdispatch.i18n import N_, _
from screens.base import BBModal
from screens.keys import KeyAction, screen_keys
from screens.shell import in_technician_workspace

HOW_DISPATCH_WORKS = N_(
    """\
## How dispatch works

A call comes in → the caller is matched by phone number → the request becomes
an **on-site** or **remote** job with a priority → a technician is assigned →
their time lands on the client's contract → the work statement bills it.
"""
)


HOW_YOUR_TIME_IS_RECORDED = N_(
    """\
## How your time is recorded

Your jobs are listed here → start the timer when you start work and stop
it when you stop → the time lands on the client's contract → the client reads
your entries on the work statement, so describe the work for them.
A running timer is kept in the database: quitting, closing the terminal or
losing the connection loses no time.
"""
)
"""The guide under a technician's keys: their part of the flow, not the desk's."""


def _cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell (no column breaks, no markup)."""
    return text.replace("|", "\\|").replace("`", "'")


def keys_markdown(keys: list[KeyAction]) -> str:
    """The keys as Markdown: a heading and a table (key, action, what it does) per group."""
    lines = ["# " + _("Keys")]
    group = None
    for entry in keys:
        if entry.group != group:
            group = entry.group
            header = "| " + _("Key") + " | " + _("Action") + " | " + _("What it does") + " |"
            lines += ["", "## " + _cell(group), "", header, "|---|---|---|"]
        about = _cell(entry.tooltip) if entry.tooltip != entry.description else ""
        key = entry.display.replace("`", "'")
        lines.append(f"| `{key}` | {_cell(entry.description)} | {about} |")
    return "\n".join(lines)


class HelpScreen(BBModal[None]):
    """Every key of the screen below, by purpose, plus its guide; scrolls, Esc closes.

    The list comes from the real bindings (:func:`screens.keys.screen_keys`),
    taken when F1 is pressed, so it shows exactly what the keys do there.
    Keys that neither scroll nor close do nothing: help is modal, so a burst
    of keys meant for the screen below never reaches it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", N_("Close"), id="help-close"),
        Binding("f1", "dismiss", N_("Close"), show=False, id="help-close-f1"),
        Binding("q", "dismiss", N_("Close"), show=False, id="help-close-q"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 76;
        max-width: 98%;
        height: 90%;
        border: round $primary;
        background: $surface;
    }
    """

    def __init__(self, under: Screen[object], keys: list[KeyAction] | None = None) -> None:
        """Help for ``under``; ``keys`` as taken when F1 was pressed (else taken now)."""
        super().__init__()
        self._under = under
        self._keys = keys if keys is not None else screen_keys(under)

    def compose(self) -> ComposeResult:
        """The keys by group, the screen's guide and the role's part of the flow, in one scroll."""
        guide = _(self._under.HELP) if self._under.HELP else ""  # legend, syntax
        how = HOW_YOUR_TIME_IS_RECORDED if in_technician_workspace(self.app) else HOW_DISPATCH_WORKS
        text = keys_markdown(self._keys) + "\n\n" + guide + "\n\n" + _(how)
        with VerticalScroll(id="help-scroll"):
            yield Markdown(text)  # literal-ok: keys and guides are written in the code

    def on_mount(self) -> None:
        """The scroll has focus, so Down and PageDown scroll."""
        self.query_one("#help-scroll", VerticalScroll).focus()
