"""The footer every bbdispatch screen shows, rebuilt once per burst of changes."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from screens.widgets.watchers import drop_closed_watchers


class KeysFooter(Footer):
    """Textual's Footer, coalescing binding changes into one rebuild.

    Textual's Footer rebuilds all its keys for every binding-change signal; opening
    the board sends eight in a row (mount, focus, cursor, reload), and each rebuild
    restyles every key. The rebuild reads the bindings as they are when it runs, so
    one rebuild after the burst shows exactly what eight would have.

    Each rebuild also lets go of the keys it replaced: every ``FooterKey``
    binds the footer's ``compact``, and Textual keeps that watcher (and so the
    removed key) until ``compact`` changes, which it never does here
    (:mod:`screens.widgets.watchers`). Without this a technician's footer kept
    six dead keys per reload of their list, for every commit of any process.
    """

    _rebuild_pending = False
    _composed_width = 0
    """The width the keys were last fitted to."""

    def compose(self) -> ComposeResult:
        """Textual's keys, fitted to the width: F1 (Help) is never the key that is cut.

        At 60 columns the board's footer cut ``f1 Help`` (issue 13), the one key
        that leads to every other. When the keys do not fit, the palette's hint
        goes first (ctrl+p still works, F1 names it), then the last keys before
        F1, one at a time; the screen's first keys and F1 stay.
        """
        keys: list[Widget] = list(super().compose())
        width = self.app.size.width
        self._composed_width = width
        while sum(_width_of(k, self.compact) for k in keys) > width:
            droppable = [
                i for i, k in enumerate(keys)
                if isinstance(k, FooterKey) and k.key != "f1"
            ]  # fmt: skip
            palette = [i for i in droppable if keys[i].has_class("-command-palette")]
            if not (palette or droppable):
                break
            del keys[(palette or droppable)[-1]]
        yield from keys

    def on_resize(self, event: Resize) -> None:
        """Fit the keys again when the terminal's width changed."""
        if self.app.size.width != self._composed_width and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Schedule one rebuild for all changes until the next refresh."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
        drop_closed_watchers(self)


def _width_of(widget: Widget, compact: bool) -> int:
    """The cells a footer key takes: `` f1 Help `` (``f1 Help`` when compact).

    The palette's hint, docked right, is always compact (Textual binds only
    the other keys to the footer's ``compact``) and adds its border and
    padding; anything else (a group's label) is counted by its text.
    """
    if not isinstance(widget, FooterKey):
        return cell_len(str(getattr(widget, "content", ""))) + 1
    palette = widget.has_class("-command-palette")
    width = cell_len(widget.key_display) + (0 if compact or palette else 2)
    if widget.description:
        width += cell_len(widget.description) + 1
    return width + (2 if palette else 0)
