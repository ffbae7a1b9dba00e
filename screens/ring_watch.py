"""Pops up the intake when the phone system reports a call (``bbdispatch ring``).

The App publishes ``data_changed`` within half a second of another process's
commit; this helper then looks for pending ring calls newer than the App's
start and opens an intake for each, caller already matched, without a key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bbdispatch.services.rings import latest_call_id, pending_rings_after

if TYPE_CHECKING:
    from textual.app import App

    from screens.shell import Shell


class RingWatcher:
    """Remembers the last call seen and opens an intake for every new ring."""

    def __init__(self, app: App[None], shell: Shell) -> None:
        self._app = app
        self._shell = shell
        self._last_id: int | None = None

    async def start(self) -> None:
        """Take the baseline (calls before the App started are not popped up) and listen."""
        self._last_id = await latest_call_id(self._shell.ctx)
        self._shell.data_changed.subscribe(self._app, self._changed)

    def _changed(self, _none: None) -> None:
        self._app.run_worker(self._check(), group="ring-watch", exclusive=True, exit_on_error=False)

    async def _check(self) -> None:
        if self._last_id is None:
            return
        calls = await pending_rings_after(self._shell.ctx, self._last_id)
        from screens.intake import IntakeScreen

        for call in calls:
            self._last_id = max(self._last_id, call.id)
            self._app.bell()
            await self._app.push_screen(IntakeScreen(call))
