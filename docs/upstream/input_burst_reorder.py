"""Minimal reproduction: a burst of keys reaches a Textual 8.2.8 ``Input`` out of order.

Run it with ``python input_burst_reorder.py``: it prints the Input's value after
typing ``601234560`` and then posting Backspace and ``7`` back to back, the way
the driver posts them when both arrive in one read (a paste, a laggy SSH link,
``tmux send-keys BSpace 7``). Expected ``601234567``; Textual 8.2.8 gives
``601234560``.
"""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input


class Bare(App[None]):
    """One bare Input, nothing else."""

    def compose(self) -> ComposeResult:
        """Only the Input."""
        yield Input()


async def main() -> str:
    """Type, then send Backspace and 7 in one burst; return the Input's value."""
    app = Bare()
    async with app.run_test() as pilot:
        await pilot.press(*"601234560")
        # What the driver does when both keys arrive in one read: two posts, no await between.
        app.post_message(events.Key("backspace", None))
        app.post_message(events.Key("7", "7"))
        await pilot.pause()
        await pilot.pause()
        return app.query_one(Input).value


if __name__ == "__main__":
    print(asyncio.run(main()))
