"""``python -m benchmarks.replica``: a primary and a streaming replica, measured.

Starts a throw-away primary (``tests/pg_server.py``), builds the demo on it
with ``bbdispatch demo``, clones it with ``pg_basebackup -R`` into a hot
standby on another port, then measures how long a ``ring`` committed on the
primary takes to be readable on the replica, and runs the read-only reports
(``contracts``, a statement) on the replica to compare them with the primary's.
The figures go into ``docs/scaling.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import statistics
import subprocess
import sys
import time

from bbdispatch.cli import main as cli
from bbdispatch.storage.database import Database
from tests.pg_server import PgServer, _free_port, start_server


def start_replica(primary: PgServer) -> PgServer:
    """A hot standby of ``primary`` streaming its WAL, in a folder beside it."""
    folder = primary.folder / "replica"
    data = folder / "data"
    port = _free_port()
    subprocess.run([*primary.run_as, "mkdir", "-p", str(folder)], check=True)
    subprocess.run(
        [*primary.run_as, str(primary.bindir / "pg_basebackup"), "-h", "127.0.0.1",
         "-p", str(primary.port), "-U", "postgres", "-D", str(data), "-R", "-X", "stream",
         "-c", "fast"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"
        " -c hot_standby=on -c max_connections=200"  # at least the primary's
    )
    subprocess.run(
        [*primary.run_as, str(primary.bindir / "pg_ctl"), "-D", str(data), "-o", options,
         "-l", str(folder / "log"), "-w", "-t", "60", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    return PgServer(bindir=primary.bindir, folder=folder, port=port, run_as=primary.run_as)


def answer(target: str, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli(["--db", target, *args])
    return code, (out.getvalue() + err.getvalue()).replace(target, "<db>")


async def lag(primary_url: str, replica_url: str, rounds: int) -> list[float]:
    """Milliseconds from a commit on the primary to its row being readable on the replica."""
    source = await Database.open(primary_url)
    mirror = await Database.open(replica_url, migrate=False, create=False)
    samples = []
    # The test server commits asynchronously (durability off); a firm's does not.
    await source.fetch_value("SELECT set_config('synchronous_commit', 'on', false)")
    try:
        for n in range(rounds):
            async with source.transaction():
                call = await source.execute(
                    "INSERT INTO call_log (id, received_at, raw_number, source)"
                    " VALUES ((SELECT last_id + 1 FROM id_high_water WHERE entity = 'call_log'),"
                    " '2026-11-24T08:42:00Z', ?, 'ring')",
                    (f"lag-{n}",),
                )
            committed = time.perf_counter()
            # Polling is the point: we watch the replica as a report would read it.
            while not await mirror.fetch_value("SELECT 1 FROM call_log WHERE id = ?", (call,)):  # noqa: ASYNC110
                await asyncio.sleep(0.0005)
            samples.append((time.perf_counter() - committed) * 1000)
            await asyncio.sleep(0.05)
    finally:
        await source.close()
        await mirror.close()
    return samples


def main() -> int:
    """Set up, measure, print."""
    primary = start_server()
    replica = None
    try:
        name = primary.create(prefix="firm")
        url = primary.url(name)
        assert answer(url, "demo")[0] == 0
        started = time.perf_counter()
        replica = start_replica(primary)
        print(f"replica cloned and started in {time.perf_counter() - started:.1f} s")
        replica_url = replica.url(name)
        samples = asyncio.run(lag(url, replica_url, 50))
        print(
            f"commit on primary → readable on replica: median {statistics.median(samples):.1f} ms,"
            f" max {max(samples):.1f} ms ({len(samples)} commits)"
        )
        for args in (
            ("contracts",),
            ("report", "statement", "--client", "3", "--from", "2025-01-01", "--to", "2027-01-01"),
            ("lookup", "601 234 567"),
            ("ring", "601 234 567"),
        ):
            on_primary = answer(url, *args) if args[0] != "ring" else (0, "")
            on_replica = answer(replica_url, *args)
            same = on_primary == on_replica
            first = on_replica[1].strip().splitlines()[:1]
            print(f"{' '.join(args)} on the replica: exit {on_replica[0]}, "
                  f"{'same as the primary' if same else 'differs'}: {first}")  # fmt: skip
    finally:
        if replica is not None:
            subprocess.run(
                [*replica.run_as, str(replica.bindir / "pg_ctl"), "-D",
                 str(replica.folder / "data"), "-m", "immediate", "stop"],
                capture_output=True, check=False,
            )  # fmt: skip
        primary.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
