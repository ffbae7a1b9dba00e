"""Pops up the intake when the phone system reports a call (``bbdispatch ring``).

The App publishes ``data_changed`` within half a second of another process's
commit; this helper then looks for pending ring calls newer than the App's
start and opens an intake, caller already matched, without a key.

Rings queue in one place: while an intake is open (a ringing call or one the
dispatcher is taking), later rings wait here, oldest first, and the count is
shown; each opens when the intake before it closes. A ring never takes the
keyboard from a form or dialog in use (issue 13: the intake popped over a job
edit form and the keys typed went into its phone field): a ring pops up only
over the board; on any other screen it waits here too, the notice names F3,
which opens it at once, and it opens by itself once the board shows again. A waiting call someone
else handled meanwhile (another dispatcher, ``bbdispatch calls mark``) leaves
the queue at the next change the App hears of, and the count shown is
replaced by the fresh one (or goes, when none waits). The call log lists them
all too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import TYPE_CHECKING

from bbdispatch.domain.calls import CallLogEntry, CallOutcome
from bbdispatch.i18n import ngettext
from bbdispatch.services.rings import latest_call_id, pending_rings_after

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import Notification
    from textual.worker import Worker

    from screens.shell import Shell


class RingWatcher:
    """Remembers the last call seen; opens an intake for a new ring, or queues it."""

    def __init__(self, app: App[None], shell: Shell) -> None:
        self._app = app
        self._shell = shell
        self._last_id: int | None = None
        self.waiting: deque[CallLogEntry] = deque()
        """Rings that came while an intake was open, oldest first."""
        self._told: tuple[int, bool] = (0, True)
        """Waiting calls the dispatcher was last told of, and whether they wait on an intake."""
        self._toast: Notification | None = None
        """The toast that told it, taken down when the count changes."""
        self._lock = asyncio.Lock()
        self._timer_armed = False

    async def start(self) -> None:
        """Take the baseline (calls before the App started are not popped up) and listen."""
        self._last_id = await latest_call_id(self._shell.ctx)
        self._shell.data_changed.subscribe(self._app, self._changed)

    def _changed(self, _none: None) -> None:
        # Not exclusive: cancelling a check half-way could drop a ring it had taken.
        # The function, not a coroutine: a change heard as the App closes starts no
        # worker, and a coroutine made for it would be left never awaited. (Typed:
        # mypy cannot tell the worker's result from a bare method.)
        _worker: Worker[None] = self._app.run_worker(
            self._check, group="ring-watch", exit_on_error=False
        )

    def _intake_open(self) -> bool:
        from screens.intake import IntakeScreen

        return any(isinstance(s, IntakeScreen) for s in self._app.screen_stack)

    def _may_pop_up(self) -> bool:
        """Whether a ring may open now without being asked: no intake, and the board on top.

        Any other screen (a form, a dialog, F1, the palette) is the dispatcher's
        keyboard: the ring waits for the board or for F3 (:meth:`open_now`).
        """
        from screens.board import BoardScreen

        return not self._intake_open() and isinstance(self._app.screen, BoardScreen)

    def open_now(self) -> bool:
        """Open the oldest waiting ring over whatever is shown (the dispatcher asked: F3).

        Returns:
            False when no call waits.
        """
        if not self.waiting:
            return False
        # Not in the exclusive "ring-next" group: the next retry would cancel it.
        _worker: Worker[None] = self._app.run_worker(
            self._open_asked, group="ring-asked", exit_on_error=False
        )
        return True

    async def _open_asked(self) -> None:
        await self._open_next(asked=True)

    async def _check(self) -> None:
        async with self._lock:  # checks one at a time: each ring is queued once
            if self._last_id is None:
                return
            since = min([self._last_id, *(c.id - 1 for c in self.waiting)])
            calls = await pending_rings_after(self._shell.ctx, since)
            # Read fresh: a waiting call handled elsewhere meanwhile waits no more.
            pending = {call.id for call in calls}
            self.waiting = deque(c for c in self.waiting if c.id in pending)
            for call in calls:
                if call.id > self._last_id:
                    self._last_id = call.id
                    self._app.bell()
                    self.waiting.append(call)
        await self._open_next()

    async def _open_next(self, asked: bool = False) -> None:
        """Open the oldest waiting ring when it may pop up (or ``asked``); say how many wait."""
        from bbdispatch.services.intake import get_call  # the intake's: after the first frame
        from screens.intake import IntakeScreen

        async with self._lock:  # one intake at a time, however many checks run
            while self.waiting and (asked or self._may_pop_up()):
                call = self.waiting[0]  # taken off the queue only once it is decided
                pending = (await get_call(self._shell.ctx, call.id)).outcome is CallOutcome.PENDING
                self.waiting.popleft()
                if pending:  # else another dispatcher took it meanwhile
                    await self._app.push_screen(IntakeScreen(call), self._intake_closed)
                    asked = False
        if self.waiting and not self._timer_armed:
            # An intake opened by hand (F2, the call log) closes without telling us, and
            # a form left for the board neither: look again.
            self._timer_armed = True
            self._app.set_timer(1.0, self._retry)
        behind = self._intake_open()
        if (len(self.waiting), behind) != self._told:
            self._tell(len(self.waiting), behind)

    def _tell(self, count: int, behind_intake: bool = True) -> None:
        """Show how many calls wait, in place of the toast that showed the old count.

        Args:
            count: calls waiting.
            behind_intake: they wait for an intake to close (else for the board, or F3).
        """
        from textual.notifications import Notification, Notify

        self._told = (count, behind_intake)
        if self._toast is not None:
            # Textual has no public way to take one toast down; its own timeout uses this.
            with contextlib.suppress(KeyError):
                self._app._unnotify(self._toast)
            self._toast = None
        if not count:
            return
        if behind_intake:
            text = ngettext(
                "{n} more call waiting: it opens when this one is done (l: call log).",
                "{n} more calls waiting: they open one by one (l: call log).",
                count,
            )
        else:
            text = ngettext(
                "{n} call waiting: F3 opens it now, or it opens on the board.",
                "{n} calls waiting: F3 opens the first now, or they open on the board.",
                count,
            )
        self._toast = Notification(
            text.format(n=count),
            "",
            "warning",
            self._app.NOTIFICATION_TIMEOUT,
            markup=False,
        )
        self._app.post_message(Notify(self._toast))

    def _intake_closed(self, _result: object) -> None:
        self._retry()

    def _retry(self) -> None:
        self._timer_armed = False
        _worker: Worker[None] = self._app.run_worker(
            self._open_next, group="ring-next", exclusive=True, exit_on_error=False
        )
