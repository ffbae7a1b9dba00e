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

Every waiting call counts, not only the rings this session saw (issue 13:
after a restart the board counted 35 waiting and F3 found none): the watcher
reads the waiting calls from the call log (:func:`bbdispatch.services.rings.waiting_calls`)
at start and at every change, F3 opens the oldest of them that no intake of this
session holds, and the header of every screen says how many wait and names F3
until none does (the toast goes after a few seconds; the header stays).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import TYPE_CHECKING

from bbdispatch.domain.calls import CallLogEntry, CallOutcome
from bbdispatch.i18n import _, ngettext
from bbdispatch.services.rings import latest_call_id, pending_rings_after, waiting_calls

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import Notification
    from textual.screen import Screen
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
        self._waiting_ids: tuple[int, ...] = ()
        """Every call waiting in the call log when last read (any session's), oldest first."""
        self._shown = 0
        """The count the headers show (:meth:`waiting_count` when they were last told)."""

    async def start(self) -> None:
        """Take the baseline (calls before the App started are not popped up) and listen.

        Calls that waited before the App started are not popped up, but they are
        counted in the header and F3 opens them.
        """
        self._last_id = await latest_call_id(self._shell.ctx)
        self._shell.data_changed.subscribe(self._app, self._changed)
        self._app.screen_change_signal.subscribe(self._app, self._screen_changed)
        self._waiting_ids = tuple(c.id for c in await waiting_calls(self._shell.ctx))
        self._show_count()

    def _taken_here(self) -> set[int]:
        """The waiting calls an intake of this session holds open (being answered, not waiting)."""
        from screens.intake import IntakeScreen

        return {
            s.taken_call_id
            for s in self._app.screen_stack
            if isinstance(s, IntakeScreen) and s.taken_call_id is not None
        }

    def waiting_count(self) -> int:
        """How many calls wait for a dispatcher, less those this session is answering."""
        taken = self._taken_here()
        return sum(1 for call_id in self._waiting_ids if call_id not in taken)

    def _screen_changed(self, _screen: Screen[object]) -> None:
        if not self._show_count():
            self._mark_dialogs()  # a dialog just opened gets the line the others have

    def _show_count(self) -> bool:
        """Have every header (and dialog) say the count anew when it is no longer right.

        Returns:
            Whether the count changed (and was told).
        """
        count = self.waiting_count()
        if count == self._shown:
            return False
        self._shown = count
        self._mark_dialogs()
        # Every header watches the App's sub-title and asks the App's format_title
        # (which adds :meth:`header_note`): the same value, told again, redraws them.
        from textual.app import App

        self._app.mutate_reactive(App.sub_title)
        return True

    def _mark_dialogs(self) -> None:
        """Put the count on every screen without a header (dialogs hide the one behind)."""
        from textual.widgets import Header

        from screens.widgets.waiting_line import WaitingLine

        note = self.header_note()
        for screen in self._app.screen_stack:
            if screen.query(Header):
                continue  # its header says it (:meth:`header_note`)
            lines = screen.query(WaitingLine)
            for line in lines:
                line.show(note)
            if note and not lines:
                screen.mount(WaitingLine(note))

    def header_note(self) -> str:
        """The header's word on waiting calls ("3 calls waiting: F3"); "" when none waits."""
        count = self._shown
        if not count:
            return ""
        return ngettext("{n} call waiting: F3", "{n} calls waiting: F3", count).format(n=count)

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

    def open_now(self) -> None:
        """Open the oldest waiting call over whatever is shown (the dispatcher asked: F3).

        The oldest in the call log that no intake of this session holds, whether
        this session saw it ring or not; "No call is waiting." when there is none.
        """
        # Not in the exclusive "ring-next" group: the next retry would cancel it.
        _worker: Worker[None] = self._app.run_worker(
            self._open_asked, group="ring-asked", exit_on_error=False
        )

    async def _open_asked(self) -> None:
        from screens.intake import IntakeScreen

        async with self._lock:
            calls = await waiting_calls(self._shell.ctx)
            self._waiting_ids = tuple(c.id for c in calls)
            taken = self._taken_here()
            call = next((c for c in calls if c.id not in taken), None)
            if call is not None:
                self.waiting = deque(c for c in self.waiting if c.id != call.id)
                await self._app.push_screen(IntakeScreen(call), self._intake_closed)
        if call is None:
            self._app.notify(_("No call is waiting."))
        self._show_count()
        if (len(self.waiting), self._intake_open()) != self._told:
            self._tell(len(self.waiting), self._intake_open())

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
            self._waiting_ids = tuple(c.id for c in await waiting_calls(self._shell.ctx))
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
        self._show_count()

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
