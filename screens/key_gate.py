"""Keys of one burst land where the keys before them left the focus, in the order typed.

Textual 8.2.8 forwards every key to the focused widget as soon as it reads it.
What a key does to the focus often happens later: a key bound up the DOM
(F2 on the board) runs its binding only when it has bubbled up to the App, one
message queue per hop; Enter in a field posts ``Submitted``, whose handler on
the screen moves the focus a few queues later; a number's ninth digit starts
the caller lookup, a worker that focuses the request once the database has
answered. The keys read with it (``tmux send-keys '601234567Drukarka'``, a
paste, a laggy SSH link) had been forwarded to the old field meanwhile: the
request landed in the Phone field, a new caller's request in their name, a
client search typed ahead picked nobody (issue 13).

The gate sits where every key enters the App (:meth:`bbdispatch.app.BBDispatch.on_event`).
A key read while the work of the key before it is not done waits, and goes on
to whatever has the focus once it is. The work of a key is done (:class:`Aftermath`)
when:

- nothing else in the App is ready to run (every message the key caused, and
  the messages those caused, has been handled: the key's bubbling and binding,
  ``Changed``/``Submitted`` and their handlers, a focus change, a screen being
  mounted);
- the screen on top has finished the message it was handling (a handler
  awaiting the database without a worker);
- every worker started meanwhile has finished (a lookup, a search, a save);
  once another screen has come up, only its own workers count (a worker
  below may wait for the new screen's answer);
- the screen on top can take keys: mounted, and its first field focused.

A key that follows nothing unfinished goes on at once: typing with pauses
waits for nothing. The gate cannot tell work that moves the focus from work
that does not, so it waits for both: keys typed with F2 wait for the intake's
write of its call, a few milliseconds unless the database is busy. Nothing
waits long: the App's queues for at most :data:`QUIET_SECONDS`, workers and a
busy screen for at most :data:`SETTLE_SECONDS`; then the keys go on to
whatever has the focus.

A paste (:class:`textual.events.Paste`, all that came between a bracketed
paste's markers) takes its turn as one key does: keys typed before it go
first, and the field they leave focused gets the whole text; keys read after
it wait for its work (a pasted number's lookup). Textual hands a paste to the
focused widget at once, before keys still held here.

A key that reached a field after focus had left it anyway (the field's queue
got it before the Tab ahead of it moved focus) comes back to the gate
(:meth:`KeyGate.give_back`) and goes on first, before keys read later. Held
keys are given back one at a time, in order, each through the same gate.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING
from weakref import WeakSet

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.worker import Worker

Typed = events.Key | events.Paste
"""What the gate keeps in order: keys, and pastes (text for the focused field, never keys)."""


def typed_again(event: Typed) -> Typed:
    """A fresh copy of a key or a paste, to post again (a message is handled once).

    The copy keeps the time it was typed: a question shown since did not see it.
    """
    again: Typed
    if isinstance(event, events.Paste):
        again = events.Paste(event.text)
    else:
        again = events.Key(event.key, event.character)
    again.time = event.time
    return again


TICK_SECONDS = 0.01
"""How often held keys look whether they may go on while nothing in the App is running."""

QUIET_SECONDS = 0.5
"""At most this long a key waits for the App's queues to empty after the key before it."""

SETTLE_SECONDS = 10.0
"""At most this long a key waits for the work of the key before it (workers, a busy screen)."""

MAX_WAIT_TICKS = 50
"""At most this many ticks (0.5 s) a key waits for a new screen to focus its first field."""

MAX_RELEASE_TICKS = 1000
"""At most this many ticks (10 s) the gate waits for a key it gave back to reach the App:
it is in the App's queue, behind a long burst; a key that never comes cannot stop the rest."""

GRACE_TICKS = 3
"""A mounted screen that focuses nothing takes keys after these ticks."""


def screen_opened(screen: Screen[object], ticks: int) -> bool:
    """Whether ``screen`` can take keys: mounted, and its first field focused (or none to focus).

    Args:
        screen: the screen on top.
        ticks: how many ticks keys have waited for it already.
    """
    if not screen.is_mounted:
        return False
    if screen.focused is not None or not screen.focus_chain:
        return True
    return ticks >= GRACE_TICKS


def others_ready(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether anything besides the caller is ready to run on ``loop`` (a message, a task step).

    CPython's own loops keep their runnable callbacks in ``_ready``; a loop
    without it (another implementation) counts as quiet, and a busy screen and
    the workers are still waited for.
    """
    ready = getattr(loop, "_ready", None)
    return bool(ready)


def waits_for_a_message(pump: MessagePump) -> bool:
    """Whether ``pump`` waits for its next message (False: it is inside a handler).

    Called when nothing is ready to run: a pump that is not waiting on its
    queue then is awaiting something outside (a handler reading the database
    without a worker). Read from its ``asyncio.Queue``'s waiting getters; a
    queue without them counts as waiting.
    """
    getters = getattr(pump._message_queue, "_getters", None)
    return getters is None or bool(getters)


class Aftermath:
    """The work one key started, until it is done (see the module docstring).

    Args:
        app: the App the key went to.
        now: the loop's time as the key was handled (seconds).
    """

    def __init__(
        self, app: App[None], now: float, workers: set[Worker[object]] | None = None
    ) -> None:
        self._app = app
        self.started = now
        """The loop's time (seconds) the key was handled."""
        self._quiet_from = now
        """Since when (loop time) the queues are waited for: the key, or the end of other waits."""
        self._screen: Screen[object] | None = app.screen if app.screen_stack else None
        self._workers: set[Worker[object]] = set(app.workers) if workers is None else workers
        """The workers that ran before the key: a priority binding (F3) starts its
        worker while the App handles the key, and that worker is the key's work."""

    def _new_workers(self, top: Screen[object]) -> list[Worker[object]]:
        """Workers started since the key that still run, and can move the focus keys go to.

        Not a worker in a thread (it cannot move focus), nor, once another
        screen has come up, a worker below it: the screen on top takes the
        keys, and such a worker may be waiting for its answer (the stop-timer
        dialog the technician's ``t`` opens). The new screen's own workers
        (the lookup of a waiting call's number) are waited for.
        """
        changed = top is not self._screen
        return [
            w
            for w in self._app.workers
            if w not in self._workers
            and not w.is_finished
            and not w._thread_worker
            and (not changed or top in w.node.ancestors_with_self)
        ]

    def waiting_for(self, loop: asyncio.AbstractEventLoop) -> str | None:
        """What the key's work still waits for: ``"queues"``, ``"screen"``, ``"workers"`` or None.

        ``"queues"`` is looked at again as soon as the loop has run what is
        ready; the others after a tick.
        """
        now = loop.time()
        if others_ready(loop) and now - self._quiet_from < QUIET_SECONDS:
            return "queues"
        if now - self.started >= SETTLE_SECONDS or not self._app.screen_stack:
            return None
        top = self._app.screen
        waiting: str | None = None
        if top.is_running and not waits_for_a_message(top):
            waiting = "screen"
        elif self._new_workers(top):
            waiting = "workers"
        if waiting is not None:
            self._quiet_from = now  # what the wait ends starts more: its messages are waited for
        return waiting


class KeyGate:
    """Holds keys while the work of an earlier key is unfinished or a new screen is opening."""

    def __init__(self, app: App[None]) -> None:
        self._app = app
        self._held: deque[Typed] = deque()
        self._returned: deque[Typed] = deque()
        """Keys given back by a field focus had left: they go before the held ones."""
        self._after: Aftermath | None = None
        """The work of the last key handled, until it is done."""
        self._released: Typed | None = None
        """The key given back last, until it reaches :meth:`hold` (one at a time)."""
        self._release_ticks = 0
        self._ticks = 0
        self._handle: asyncio.Handle | None = None
        """The pending look (:meth:`_tick`), if any."""
        self._soon = False
        """Whether that look runs as soon as the loop has run what is ready (not after a tick)."""
        self._opened: WeakSet[Screen[object]] = WeakSet()
        """Screens seen ready once: later keys on them never wait for focus again."""

    def _ready(self, ticks: int) -> bool:
        """Whether the screen on top takes keys (:func:`screen_opened`), remembered once true.

        With no screen at all (the App closing) nothing waits: the App drops keys as before.
        """
        if not self._app.screen_stack:
            return True
        screen = self._app.screen
        if screen in self._opened:
            return True
        if screen_opened(screen, ticks):
            self._opened.add(screen)
            return True
        return False

    def hold(self, event: Typed) -> bool:
        """Take a key or a paste read from the terminal; True when it waits (the App must not)."""
        if event.is_forwarded:
            return False  # on its way back up: the App runs its binding
        if event is self._released:
            self._released = None
            return False
        waiting_release = self._released is not None  # a key given back has not arrived yet
        if (
            waiting_release
            or self._returned
            or self._held
            or self._after is not None
            or not self._ready(0)
        ):
            self._held.append(event)
            self._arm(TICK_SECONDS)
            return True
        return False

    def give_back(self, event: Typed) -> None:
        """Take a key that reached a field after focus left it; it goes on, in order, first."""
        self._returned.append(event)
        self._arm(0.0)

    def handled(
        self, event: Typed, fresh: bool, workers_before: set[Worker[object]] | None = None
    ) -> None:
        """The App has handled ``event``: keys read after it wait until its work is done.

        Args:
            event: the key.
            fresh: it came from the terminal (or the gate) this time, not up the DOM.
            workers_before: the App's workers before it handled ``event`` (None:
                those running now); a priority key's worker started meanwhile is its work.
        """
        if not fresh:
            return  # back at the App after bubbling: its own journey is part of its work
        loop = asyncio.get_running_loop()
        self._after = Aftermath(self._app, loop.time(), workers_before)
        self._arm(0.0)

    def _arm(self, delay: float) -> None:
        """Look again after ``delay`` seconds (0: once the loop has run what is ready now).

        One look is pending at a time; a sooner one replaces a later one.
        """
        loop = asyncio.get_running_loop()
        if self._handle is not None:
            if delay or self._soon:
                return
            self._handle.cancel()
        self._soon = not delay
        if delay:
            self._handle = loop.call_later(delay, self._tick)
        else:
            self._handle = loop.call_soon(self._tick)

    def _tick(self) -> None:
        self._handle = None
        if not self._app.is_running or not self._app.screen_stack:
            self._held.clear()  # closing: nobody is left to take them
            self._returned.clear()
            self._after = None
            return
        loop = asyncio.get_running_loop()
        after = self._after
        if after is not None:
            waiting = after.waiting_for(loop)
            if waiting is not None:
                self._arm(0.0 if waiting == "queues" else TICK_SECONDS)
                return
            self._after = None
        if not self._held and not self._returned:
            self._ticks = 0
            return
        if self._released is not None and self._release_ticks < MAX_RELEASE_TICKS:
            # The key given back last is still in the App's queue (a long burst under
            # load): the next one waits for it. Released on, it arrived after the next
            # and was held again at the end: keys swapped (issue 13: `rn2` after Tab in
            # the request), or went round for ever and the screen took no key.
            self._release_ticks += 1
            self._arm(TICK_SECONDS)
            return
        self._release_ticks = 0
        self._released = None  # arrived, or lost (the bound above): the gate goes on
        if not self._ready(self._ticks) and self._ticks < MAX_WAIT_TICKS:
            self._ticks += 1
            self._arm(TICK_SECONDS)
            return
        self._ticks = 0
        key = self._returned.popleft() if self._returned else self._held.popleft()
        again = typed_again(key)
        self._released = again
        self._app.post_message(again)
        self._arm(TICK_SECONDS)  # in case it never arrives; its arrival looks at once
