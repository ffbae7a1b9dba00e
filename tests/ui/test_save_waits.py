"""A save kept waiting by another program says so for as long as it waits, and no longer.

The tester's finding: "Saving… waiting for the database" went after about 3 s
while the save kept waiting up to 25 s, so the person thought it had hung or
failed. The toast now stays while the save waits, says for how long, and goes
when the save ends, whether it got in or gave up.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from bbdispatch.storage.database import DatabaseBusy
from tests.helpers import make_app, settle_until


async def _until(pilot: Pilot[Any], done: Callable[[], bool], seconds: float) -> None:
    """Poll the screen until ``done()`` (at most ``seconds``); the waiting save's worker
    runs on meanwhile, so :func:`settle_until` (which waits for every worker) cannot."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not done() and asyncio.get_running_loop().time() < deadline:
        await pilot.pause(0.1)


def _waiting_toasts(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications if "waiting for the database" in str(n)]


def _seconds_shown(app: Any) -> int:
    toasts = _waiting_toasts(app)
    if not toasts or "for the database for " not in toasts[0]:
        return -1
    return int(toasts[0].split("for the database for ")[1].split()[0])


@pytest.mark.parametrize("ends", ["gets in", "gives up"])
async def test_the_waiting_toast_stays_while_the_save_waits_and_goes_when_it_ends(
    demo_db_path: Path, ctx_factory: Any, ends: str
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_until(pilot, lambda: app._ctx is not None)
        app.ctx.db.lock_wait_seconds = 60 if ends == "gets in" else 4.5
        blocker = sqlite3.connect(demo_db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        outcome: list[str] = []

        async def save() -> None:
            try:
                async with app.ctx.db.transaction():
                    pass
                outcome.append("saved")
            except DatabaseBusy:
                outcome.append("refused")

        app.run_worker(save(), exit_on_error=False)
        try:
            # Past the 3 s after which the old toast went: still there, counting.
            await _until(pilot, lambda: _seconds_shown(app) >= 4 or bool(outcome), 30)
            if ends == "gets in":
                assert not outcome
                (toast,) = _waiting_toasts(app)
                assert "4 seconds" in toast or "5 seconds" in toast, toast
                assert "up to 60 s" in toast
                blocker.execute("ROLLBACK")
            await _until(pilot, lambda: bool(outcome), 30)
        finally:
            blocker.close()
        await settle_until(pilot, lambda: not _waiting_toasts(app), 5)
        assert outcome == (["saved"] if ends == "gets in" else ["refused"])
        assert _waiting_toasts(app) == []


async def test_an_intake_saved_under_a_held_lock_waits_once_as_told(
    demo_db_path: Path, ctx_factory: Any
) -> None:
    # Issue 13 (E): F2 logged the call in a write that waited the full limit; the
    # save typed meanwhile waited behind it, then the full limit again: the toast
    # counted to 24 s, started again and the save was refused at about 50 s.
    from textual.widgets import Input, Static

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_until(pilot, lambda: app._ctx is not None)
        app.ctx.db.lock_wait_seconds = 3
        heard: list[bool] = []
        app.ctx.db.on_write_wait(heard.append)
        blocker = sqlite3.connect(demo_db_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        try:
            await pilot.press("f2", *"601234567")
            await _until(pilot, lambda: getattr(app.focused, "id", "") == "description", 15)
            await pilot.press(*"Drukarka nie drukuje", "enter", "r", "1", "ctrl+s")
            error = app.screen.query_one("#triage-error", Static)
            await _until(pilot, lambda: "busy" in str(error.render()), 30)
        finally:
            blocker.close()
        assert "Not saved: the database stayed busy too long" in str(error.render())
        assert app.screen.query_one("#description", Input).value == "Drukarka nie drukuje"
        # One wait, told once: the toast never went and came back.
        assert heard == [True, False]
