"""The toast that says a save is waiting for the database, for as long as it waits.

Textual's toasts go after a fixed time; a save kept waiting by another
program's long write (an import, a backup) may wait up to the storage's limit
(25 s) before it gives up. This toast stays while the save waits, says how
long it has waited and for how long it will try, and goes the moment the save
ends, whether it got in or gave up (the screen then says which).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.notifications import Notification, Notify
from textual.timer import Timer

from bbdispatch.i18n import ngettext

TICK_SECONDS = 1.0
"""How often the waiting time in the toast moves on."""
HOLD_SECONDS = 3600.0
"""The toast's own timeout: far beyond any wait, as it is taken down when the save ends."""


class WaitNotice:
    """One "waiting for the database" toast, kept up to date while any save waits.

    Args:
        app: the App whose screens show the toast.
        limit_seconds: how long a save tries before it gives up (shown to the person;
            read when a wait starts, so it follows the database's setting).
    """

    def __init__(self, app: App[Any], limit_seconds: Callable[[], float]) -> None:
        self._app = app
        self._limit = limit_seconds
        self._waits = 0
        self._since = 0.0
        self._toast: Notification | None = None
        self._ticker: Timer | None = None

    def waiting(self, waiting: bool) -> None:
        """The storage's wait listener: ``True`` when a save starts waiting, ``False`` when done."""
        if waiting:
            self._waits += 1
            if self._waits == 1:
                self._since = time.monotonic()
                self._show()
                self._ticker = self._app.set_interval(TICK_SECONDS, self._show)
            return
        self._waits = max(0, self._waits - 1)
        if self._waits == 0:
            if self._ticker is not None:
                self._ticker.stop()
                self._ticker = None
            self._take_down()

    @property
    def shown(self) -> str | None:
        """The toast's text while one is up, else None (for tests and the help screen)."""
        return None if self._toast is None else str(self._toast.message)

    def _show(self) -> None:
        """Put up the toast with the time waited so far, in place of the last one."""
        waited = max(1, round(time.monotonic() - self._since))
        text = ngettext(
            "Saving… waiting for the database for {n} second (another program is writing);"
            " it keeps trying for up to {limit} s.",
            "Saving… waiting for the database for {n} seconds (another program is writing);"
            " it keeps trying for up to {limit} s.",
            waited,
        ).format(n=waited, limit=f"{self._limit():g}")
        self._take_down()
        self._toast = Notification(text, "", "warning", HOLD_SECONDS, markup=False)
        # At once, not posted: a save that ends before a posted toast arrived
        # could not take it down, and it would stay for the hour.
        self._app._on_notify(Notify(self._toast))

    def _take_down(self) -> None:
        if self._toast is not None:
            # Textual has no public way to take one toast down; its own timeout uses this.
            with contextlib.suppress(KeyError):
                self._app._unnotify(self._toast)
            self._toast = None
