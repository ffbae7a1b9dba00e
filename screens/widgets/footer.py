"""The footer every bbdispatch screen shows, rebuilt once per burst of changes."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

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
