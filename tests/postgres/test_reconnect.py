"""A long-lived session survives a dropped connection (a VPN hiccup, a failover, a restart).

The App's connection is cut from the server's side (``pg_terminate_backend``):
the board must hear other processes' commits again (``LISTEN`` renewed, and a
reload for what it missed), and the dispatcher's next save must work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg
import pytest
from textual.widgets import Input

from bbdispatch.app import BBDispatch
from bbdispatch.domain.calls import CallOutcome, CallSource
from bbdispatch.storage import calls, jobs
from bbdispatch.storage.database import (
    CommitUncertain,
    Database,
    ReadFailed,
    WriteFailed,
    for_command_line,
)
from screens.board import BoardScreen
from screens.intake import IntakeScreen
from tests.helpers import DISPATCHER, settle, settle_until, shown_ids, type_text
from tests.pg_server import start_server

NEW_JOB = (
    "INSERT INTO job (client_id, received_at, description, mode, priority, category,"
    " status, updated_at) VALUES (2, '2026-11-24T08:42:00Z', 'Drukarka sieciowa',"
    " 'remote', 'normal', 'hardware', 'new', '2026-11-24T08:42:00Z')"
)


async def log_call(db: Database, e164: str) -> None:
    await calls.insert_call(
        db, received_at=datetime(2026, 11, 24, 8, 42, tzinfo=UTC), raw_number=e164, e164=e164,
        client_id=None, source=CallSource.RING, outcome=CallOutcome.PENDING,
    )  # fmt: skip


async def cut_connections(url: str) -> int:
    """End every other session on the database, as a failover or ``pg_terminate_backend`` does."""
    conn = await asyncpg.connect(url)
    try:
        cut = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return int(cut)


async def commit_elsewhere(url: str) -> int:
    """Another process's commit: a new job; its number."""
    db = await Database.open(url)
    try:
        async with db.transaction():
            return await db.execute(NEW_JOB)
    finally:
        await db.close()


async def save_intake(pilot: object, app: BBDispatch, description: str) -> None:
    """Take a call from a known client at the intake and save it as a remote job."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("f2")
    await settle(pilot)
    assert isinstance(app.screen, IntakeScreen)
    for key in "601234567":
        await pilot.press(key)
    await settle(pilot)
    assert app.screen.query_one("#phone", Input).value == "601 234 567"
    await type_text(pilot, description)
    for key in ("enter", "r", "l", "1", "enter"):
        await pilot.press(key)
        await settle(pilot)


async def newest_job(url: str) -> tuple[int, str]:
    db = await Database.open(url)
    try:
        newest = max(r.job.id for r in await jobs.open_job_rows(db))
        job = await jobs.get_job(db, newest)
    finally:
        await db.close()
    assert job is not None
    return newest, job.description


async def test_after_a_cut_the_board_hears_commits_again_and_a_save_works(
    pg_ctx_factory: Callable[..., Callable[[], object]], pg_demo_url: str
) -> None:
    # Polling every hour: only a renewed LISTEN can bring the change in.
    app = BBDispatch(pg_ctx_factory(), DISPATCHER, poll_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert await cut_connections(pg_demo_url) >= 1
        new_id = await commit_elsewhere(pg_demo_url)
        await settle_until(pilot, lambda: new_id in shown_ids(app))
        assert new_id in shown_ids(app)
        await save_intake(pilot, app, "Po zerwaniu polaczenia")
        assert isinstance(app.screen, BoardScreen), app.screen
        newest, description = await newest_job(pg_demo_url)
        assert description == "Po zerwaniu polaczenia"
        await settle_until(pilot, lambda: newest in shown_ids(app))
        assert newest in shown_ids(app)


async def test_a_save_right_after_a_cut_is_not_lost(
    pg_ctx_factory: Callable[..., Callable[[], object]], pg_demo_url: str
) -> None:
    app = BBDispatch(pg_ctx_factory(), DISPATCHER, poll_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert await cut_connections(pg_demo_url) >= 1
        await save_intake(pilot, app, "Zaraz po zerwaniu")
        assert isinstance(app.screen, BoardScreen), app.screen
        newest, description = await newest_job(pg_demo_url)
        assert description == "Zaraz po zerwaniu"


async def test_a_write_cut_half_way_is_not_saved_and_the_next_one_is(pg_demo_url: str) -> None:
    db = await Database.open(pg_demo_url)
    try:
        before = len(await jobs.open_job_rows(db))
        with pytest.raises(WriteFailed, match="connection to the database server was lost"):
            async with db.transaction():
                await db.execute(NEW_JOB)
                assert await cut_connections(pg_demo_url) == 1
                await db.execute(NEW_JOB)
        assert len(await jobs.open_job_rows(db)) == before  # the read connects again
        async with db.transaction():
            await db.execute(NEW_JOB)
        assert len(await jobs.open_job_rows(db)) == before + 1
    finally:
        await db.close()


class CommitAnswerLost:
    """A connection whose ``COMMIT`` reaches the server but whose answer never comes back."""

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

    def __getattr__(self, name: str) -> object:
        return getattr(self.raw, name)

    async def execute(self, query: str, *args: object) -> str:
        status: str = await self.raw.execute(query, *args)
        if "COMMIT" in query:
            self.raw.terminate()  # the server committed; its answer is lost on the way
            raise asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")
        return status


async def test_a_commit_whose_answer_is_lost_is_not_called_unsaved_nor_retried(
    pg_demo_url: str,
) -> None:
    db = await Database.open(pg_demo_url)
    try:
        before = len(await jobs.open_job_rows(db))
        link = db._conn  # type: ignore[attr-defined]
        link.raw = CommitAnswerLost(link.raw)
        with pytest.raises(CommitUncertain, match="unknown") as caught:
            async with db.transaction():
                await db.execute(NEW_JOB)
        assert "look before saving again" in str(caught.value)
        assert "Check before running the command again" in for_command_line(caught.value)
        assert len(await jobs.open_job_rows(db)) == before + 1  # once, not twice
        async with db.transaction():
            await db.execute(NEW_JOB)
        assert len(await jobs.open_job_rows(db)) == before + 2
    finally:
        await db.close()


async def test_while_the_server_is_down_reads_and_saves_say_so_then_work_again() -> None:
    server = start_server()
    try:
        url = server.url(server.create())
        db = await Database.open(url)
        try:
            async with db.transaction():
                await log_call(db, "+48601234567")
            server.halt()
            down = f"the database server 127.0.0.1:{server.port} cannot be reached"
            with pytest.raises(ReadFailed) as read:
                await calls.call_rows(db, limit=10)
            assert down in str(read.value) and "try again" in str(read.value)
            with pytest.raises(WriteFailed) as wrote:
                async with db.transaction():
                    await log_call(db, "+48601234568")
            assert str(wrote.value).startswith(f"Not saved: {down}. What you typed is kept")
            for shown in (str(read.value), str(wrote.value)):
                assert "Errno" not in shown and "connect call failed" not in shown.lower()
            server.resume()
            async with db.transaction():
                await log_call(db, "+48601234569")
            logged = {r.call.e164 for r in await calls.call_rows(db, limit=10)}
            assert logged == {"+48601234567", "+48601234569"}
        finally:
            await db.close()
    finally:
        server.stop()
