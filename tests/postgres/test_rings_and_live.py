"""PostgreSQL under load and live: ten concurrent ``ring`` processes, NOTIFY to the board."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bbdispatch.app import BBDispatch
from bbdispatch.storage import calls
from bbdispatch.storage.database import Database
from screens.board import BoardScreen
from tests.helpers import DISPATCHER, settle, shown_ids

RINGS = 10


async def test_ten_concurrent_rings_all_land(pg_demo_url: str) -> None:
    db = await Database.open(pg_demo_url)
    try:
        before = len(await calls.call_rows(db, limit=10_000))
        numbers = [f"+48 601 234 {n:03d}" for n in range(RINGS)]
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bbdispatch", "--db", pg_demo_url, "ring", number,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                env={**os.environ, "BBDISPATCH_DB": ""},
            )
            for number in numbers
        ]  # fmt: skip
        outputs = [await asyncio.wait_for(p.communicate(), timeout=120) for p in procs]
        for p, (out, err) in zip(procs, outputs, strict=True):
            assert p.returncode == 0, err.decode()
            # Logged, or queued (a ring that started late on a loaded machine waits
            # for the lock only what is left of its second) and logged by a later one.
            assert "call " in out.decode(), out.decode()
        # One more ring, as the phone system's next call: it logs any still queued.
        last = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bbdispatch", "--db", pg_demo_url, "ring", "+48 601 234 999",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "BBDISPATCH_DB": ""},
        )  # fmt: skip
        await asyncio.wait_for(last.communicate(), timeout=120)
        rows = await calls.call_rows(db, limit=10_000)
        assert len(rows) == before + RINGS + 1  # none lost, none twice
        logged = {r.call.e164 for r in rows}
        assert {f"+48601234{n:03d}" for n in range(RINGS)} <= logged
        ids = [r.call.id for r in rows]
        assert len(set(ids)) == len(ids)
    finally:
        await db.close()


WRITER = """
import asyncio, sys
from bbdispatch.storage.database import Database

async def main(url):
    db = await Database.open(url)
    async with db.transaction():
        await db.execute("UPDATE job SET caller_name = 'Zmiana z innego procesu' WHERE id = 16")
        new = await db.execute(
            "INSERT INTO job (client_id, received_at, description, mode, priority, category,"
            " status, updated_at) VALUES (2, '2026-11-24T08:42:00Z', 'Drukarka sieciowa',"
            " 'remote', 'normal', 'hardware', 'new', '2026-11-24T08:42:00Z')")
    await db.close()
    print(new)

asyncio.run(main(sys.argv[1]))
"""


async def test_the_board_shows_another_process_commit_by_notify(
    pg_ctx_factory: Callable[..., Callable[[], object]], pg_demo_url: str
) -> None:
    # Polling every hour: only LISTEN/NOTIFY can bring the change in time.
    app = BBDispatch(pg_ctx_factory(), DISPATCHER, poll_seconds=3600)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        loads_before = board.loads
        writer = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRITER, pg_demo_url, stdout=asyncio.subprocess.PIPE
        )
        out, _err = await asyncio.wait_for(writer.communicate(), timeout=60)
        assert writer.returncode == 0
        new_id = int(out)
        committed = time.monotonic()
        while time.monotonic() - committed < 10 and new_id not in shown_ids(app):
            await pilot.pause(0.05)
        assert new_id in shown_ids(app)
        assert board.loads > loads_before
        print(f"NOTIFY: change on the board {time.monotonic() - committed:.3f} s after commit")


def test_a_ring_while_the_server_is_down_is_queued_not_lost(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    url = f"postgresql://postgres@127.0.0.1:{port}/bbdispatch"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "BBDISPATCH_DB": ""}
    done = subprocess.run(
        [sys.executable, "-m", "bbdispatch", "--db", url, "ring", "601 234 567"],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("call queued: the database server cannot be reached")
    assert "Traceback" not in done.stderr
    spooled = list(tmp_path.rglob("*.ring-spool/*.json"))
    assert len(spooled) == 1 and "601 234 567" in spooled[0].read_text(encoding="utf-8")
