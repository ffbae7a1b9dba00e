"""The key gate gives held keys back one at a time: the next waits until the last arrived."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events

from screens.key_gate import KeyGate


class SlowApp:
    """An App whose queue is slow (a 3,000-key burst under load): posted keys wait in a list."""

    def __init__(self) -> None:
        self.posted: list[events.Key] = []
        self.is_running = True
        self.screen_stack = [object()]
        self.screen = self.screen_stack[0]
        self.focused = None

    def post_message(self, message: events.Key) -> None:
        self.posted.append(message)


async def test_held_keys_reach_the_app_in_order_however_slow_its_queue(monkeypatch: Any) -> None:
    """Issue 13: `rn2` after Tab landed out of order, or cycled for ever (the intake froze)."""
    app = SlowApp()
    gate = KeyGate(app)  # type: ignore[arg-type]
    monkeypatch.setattr(gate, "_ready", lambda ticks: True)
    for key in "rn2":  # given back by the field focus left, as Tab moved it
        gate.give_back(events.Key(key, key))
    delivered: list[str] = []
    for _ in range(40):
        await asyncio.sleep(0.03)  # the gate's ticks run while the App's queue is still busy
        if app.posted:  # the App reaches one queued key now and then
            key = app.posted.pop(0)
            if not gate.hold(key):
                delivered.append(key.key)
    assert delivered == ["r", "n", "2"]
