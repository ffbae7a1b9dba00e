"""Issue 13 (E): the wait for the write lock is as long as the person is told, counted once.

Under another program's 70 s ``BEGIN IMMEDIATE`` the intake's "waiting" toast
counted to 24 s, started again and the save was refused at about 50 s while it
said "keeps trying for up to 25 s": the save was queued behind the intake's own
write of its call (a full wait of its own) and then waited the full limit again.
Each write's wait is now counted from the moment it is asked for, and the
intake's bookkeeping writes (nobody waits on them) give up after a moment.
These tests run the wait on a fake clock: every pause between two attempts at
the lock takes one fake second.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bbdispatch.storage import database
from bbdispatch.storage.database import BACKGROUND_WAIT_SECONDS, Database, DatabaseBusy


class FakeTime:
    """A clock that moves one second per pause between two attempts at the lock."""

    def __init__(self, pause_real: float = 0.0) -> None:
        self.now = 0.0
        self.pause_real = pause_real
        self.ten_seconds_in = asyncio.Event()

    def clock(self) -> float:
        return self.now

    async def pause(self, _seconds: float) -> None:
        self.now += 1.0
        if self.now >= 10:
            self.ten_seconds_in.set()
        await asyncio.sleep(self.pause_real)


async def _open_held(path: Path, fake: FakeTime) -> tuple[Database, sqlite3.Connection]:
    db = await Database.open(path)
    db.lock_clock = fake.clock
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock throughout
    return db, holder


async def _write(db: Database, fake: FakeTime, *, background: bool = False) -> tuple[float, float]:
    """(asked at, refused at) on the fake clock for one write that never gets the lock."""
    asked = fake.now
    with pytest.raises(DatabaseBusy):
        async with db.transaction(background=background):
            raise AssertionError("the lock is held elsewhere")
    return asked, fake.now


async def test_a_save_queued_behind_a_waiting_write_is_refused_at_the_limit_it_was_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime()
    monkeypatch.setattr(database, "lock_pause", fake.pause)
    db, holder = await _open_held(tmp_path / "t.db", fake)
    told = db.lock_wait_seconds  # what the toast says: "keeps trying for up to 25 s"
    assert told == 25

    async def save_asked_later() -> tuple[float, float]:
        await fake.ten_seconds_in.wait()  # the person saves 10 s into the other write's wait
        return await _write(db, fake)

    try:
        first, save = await asyncio.gather(_write(db, fake), save_asked_later())
    finally:
        holder.close()
        await db.close()
    assert first == (0, told)
    asked, refused = save
    assert asked == 10
    # Refused when the limit it was told ran out, counted from the moment it was
    # asked for, not after a second full wait behind the first write (was 50).
    assert refused - asked == told


async def test_a_background_write_gives_up_after_a_moment_and_puts_up_no_waiting_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime(pause_real=0.6)  # past the half second after which a save is "waiting"
    monkeypatch.setattr(database, "lock_pause", fake.pause)
    db, holder = await _open_held(tmp_path / "t.db", fake)
    heard: list[bool] = []
    db.on_write_wait(heard.append)
    try:
        assert await _write(db, fake, background=True) == (0, BACKGROUND_WAIT_SECONDS)
        assert heard == []
        db.lock_wait_seconds = 2  # a save the person asked for is told of, once
        assert await _write(db, fake) == (1, 3)
        assert heard == [True, False]
    finally:
        holder.close()
        await db.close()
