"""Keys of one burst reach the screen their earlier keys opened, in the order typed.

Textual 8.2.8 forwards every key to the focused widget as soon as it reads it.
A key that opens a screen (F2 on the board) first bubbles up the DOM, one
message queue per hop, and its binding runs only when it reaches the App; the
keys read with it (``tmux send-keys F2 'Jan Kowalski'``, a laggy SSH link) were
forwarded to the board meanwhile, and the new screen, not yet mounted and with
nothing focused, got none of them: the intake opened empty.

The gate sits where every key enters the App (:meth:`bbdispatch.app.BBDispatch.on_event`):

- a key on its way up the DOM (forwarded to a widget that bubbles it, not a text
  field, which keeps its own order: :mod:`screens.widgets.text_input`) holds
  the keys after it until it has reached the App (its binding ran) or a widget
  stopped it;
- while the screen on top is still opening (not mounted, or its first field not
  focused yet), keys wait for it.

A key that reached a field after focus had left it (the field's queue got it
before the Tab or Shift+Tab ahead of it moved focus) comes back to the gate
(:meth:`KeyGate.give_back`) and goes on first, before keys read later.

Held keys are given back one at a time, in order, each through the same gate.
Nothing waits long: a key whose journey cannot be seen (its widget removed)
releases the rest after :data:`MAX_WAIT_TICKS`.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING
from weakref import WeakSet

from textual import events

from screens.widgets.text_input import TextEditor, TextInput

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

TICK_SECONDS = 0.01
"""How often held keys look whether they may go on."""

MAX_WAIT_TICKS = 50
"""At most this many ticks (0.5 s) a key waits for the one before it or a screen."""

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


class KeyGate:
    """Holds keys while an earlier key is still on its way or a new screen is opening."""

    def __init__(self, app: App[None]) -> None:
        self._app = app
        self._held: deque[events.Key] = deque()
        self._returned: deque[events.Key] = deque()
        """Keys given back by a field focus had left: they go before the held ones."""
        self._in_flight: events.Key | None = None
        self._released: events.Key | None = None
        """The key given back last, until it reaches :meth:`hold` (one at a time)."""
        self._release_ticks = 0
        self._ticks = 0
        self._armed = False
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

    def _flying(self) -> bool:
        key = self._in_flight
        if key is None:
            return False
        if key._stop_propagation:  # a widget took it: its journey ends there
            self._in_flight = None
            return False
        return True

    def hold(self, event: events.Key) -> bool:
        """Take a key read from the terminal; True when it waits (the App must not handle it)."""
        if event.is_forwarded:
            return False  # on its way back up: the App runs its binding
        if event is self._released:
            self._released = None
            return False
        waiting_release = self._released is not None  # a key given back has not arrived yet
        if waiting_release or self._returned or self._held or self._flying() or not self._ready(0):
            self._held.append(event)
            self._arm()
            return True
        return False

    def give_back(self, event: events.Key) -> None:
        """Take a key that reached a field after focus left it; it goes on, in order, first."""
        self._returned.append(event)
        self._arm()

    def handled(self, event: events.Key, fresh: bool) -> None:
        """The App has handled ``event``: note a key now on its way up, or one back at the top.

        Args:
            event: the key.
            fresh: it came from the terminal (or the gate) this time, not up the DOM.
        """
        if not fresh:
            if event is self._in_flight:
                self._in_flight = None  # back at the App: its binding has run
                if self._held or self._returned:
                    self._arm()
            return
        if (
            event.is_forwarded
            and not event._stop_propagation
            and not isinstance(self._app.focused, TextInput | TextEditor)
        ):
            self._in_flight = event

    def _arm(self) -> None:
        if not self._armed:
            self._armed = True
            self._app.set_timer(TICK_SECONDS, self._tick)

    def _tick(self) -> None:
        self._armed = False
        if not self._app.is_running or not self._app.screen_stack:
            self._held.clear()  # closing: nobody is left to take them
            self._returned.clear()
            return
        if not self._held and not self._returned:
            self._ticks = 0
            return
        if self._released is not None and self._release_ticks < MAX_RELEASE_TICKS:
            # The key given back last is still in the App's queue (a long burst under
            # load): the next one waits for it. Released on, it arrived after the next
            # and was held again at the end: keys swapped (issue 13: `rn2` after Tab in
            # the request), or went round for ever and the screen took no key.
            self._release_ticks += 1
            self._arm()
            return
        self._release_ticks = 0
        self._released = None  # arrived, or lost (the bound above): the gate goes on
        waiting = self._flying() or not self._ready(self._ticks)
        if waiting and self._ticks < MAX_WAIT_TICKS:
            self._ticks += 1
            self._arm()
            return
        self._ticks = 0
        self._in_flight = None
        key = self._returned.popleft() if self._returned else self._held.popleft()
        again = events.Key(key.key, key.character)
        self._released = again
        self._app.post_message(again)
        if self._held or self._returned:
            self._arm()
