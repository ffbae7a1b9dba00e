"""The line that says calls are waiting, on a screen without a header (a dialog)."""

from __future__ import annotations

from screens.widgets.plain import Plain


class WaitingLine(Plain):
    """One line at the top of a dialog: how many calls wait, and F3 (issue 13).

    Dialogs cover the screen behind them, header included, so the count a
    header shows would be hidden exactly while the dispatcher fills a form.
    The ring watcher (:mod:`screens.ring_watch`) puts this line on such a
    screen while calls wait and empties it (hidden) when none does.
    """

    # Drawn over the screen's top line (a tall dialog's top border), outside the
    # layout: a docked line would take a row from the dialog and cut its last one.
    DEFAULT_CSS = """
    WaitingLine {
        position: absolute;
        offset: 0 0;
        width: 100%;
        height: 1;
        padding: 0 1;
        text-style: bold reverse;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def show(self, note: str) -> None:
        """Say ``note`` ("2 calls waiting: F3"); an empty note hides the line."""
        self.update(note)
        self.display = bool(note)
