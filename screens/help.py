"""F1: the keys of the screen underneath, generated from its bindings."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Markdown

from bbdispatch.i18n import N_, _
from screens.base import BBModal

HOW_DISPATCH_WORKS = N_(
    """\
## How dispatch works

A call comes in → the caller is matched by phone number → the request becomes
an **on-site** or **remote** job with a priority → a technician is assigned →
their time lands on the client's contract → the work statement bills it.
"""
)


class HelpScreen(BBModal[None]):
    """Keys of the screen below plus a short guide; any key closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", N_("Close"))]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 70;
        max-width: 95%;
        height: 80%;
        border: round $primary;
        background: $surface;
    }
    """

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self._under = under

    def compose(self) -> ComposeResult:
        """The key table and the guide."""
        lines = ["# " + _("Keys"), "", "| " + _("Key") + " | " + _("Action") + " |", "|---|---|"]
        seen: set[str] = set()
        for _node, binding in self._bindings_below():
            if binding.description and binding.key not in seen:
                seen.add(binding.key)
                lines.append(f"| `{binding.key}` | " + _(binding.description) + " |")
        with VerticalScroll():
            guide = _(self._under.HELP) if self._under.HELP else ""  # legend, syntax
            text = "\n".join(lines) + "\n\n" + guide + "\n\n" + _(HOW_DISPATCH_WORKS)
            yield Markdown(text)  # literal-ok: keys and guides are written in the code

    def _bindings_below(self) -> list[tuple[object, Binding]]:
        found: list[tuple[object, Binding]] = []
        for node in (self._under, self.app):
            for binding in node._bindings.key_to_bindings.values():
                found.extend((node, b) for b in binding)
        return found

    def on_key(self, event: Key) -> None:
        """Any key closes help."""
        event.stop()
        self.dismiss()
