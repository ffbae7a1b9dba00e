"""``python -m benchmarks``: every benchmark at scale, one table, targets met or missed.

Steps: build (or reuse from ``benchmarks/.cache``) the scale database, copy it
to a scratch directory (benchmarks write), make the current OS login a
dispatcher there so the real ``bbdispatch`` command starts, then run the data,
screen and process benchmarks and print the table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import load_pricelist
from bbdispatch.services.context import Ctx
from bbdispatch.services.people import os_login
from bbdispatch.storage import bulk
from bbdispatch.storage.database import Database

from . import data_benches, generate, process_benches, ui_benches
from .measure import Row, render


def prepare(clients: int, workdir: Path) -> Path:
    """A private, writable copy of the cached scale database, with us as dispatcher."""
    source = generate.ensure(generate.Scale(clients))
    target = workdir / "scale.db"
    shutil.copyfile(source, target)
    conn = sqlite3.connect(str(target), isolation_level=None)
    bulk.ensure_dispatcher(conn, os_login(), "Benchmark Dispatcher")
    conn.close()
    return target


async def data_rows(path: Path, repeat: int) -> list[Row]:
    """The service-level benchmarks, each with its bare baseline."""
    from bbdispatch.clock import FrozenClock, from_db

    clock = FrozenClock(from_db(generate.utc(generate.NOW)))
    db = await Database.open(path)
    ctx = Ctx(db=db, clock=clock, prices=load_pricelist(), actor="bench", fallback=Principal.SYSTEM)
    bare = sqlite3.connect(str(path))
    try:
        rows: list[Row] = []
        rows += await data_benches.lookup(ctx, bare, repeat * 5)
        rows += await data_benches.search(ctx, bare, repeat * 2)
        rows += await data_benches.board(ctx, bare, max(5, repeat // 10))
        rows += await data_benches.job_detail(ctx, bare, repeat)
        rows += await data_benches.statement(ctx, bare, max(5, repeat // 10), clock.now().date())
        return rows
    finally:
        bare.close()
        await db.close()


def machine() -> str:
    """One line about where the figures come from."""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def main(argv: list[str] | None = None) -> int:
    """Run everything and print the table (Markdown)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000, help="scale (default 100000)")
    parser.add_argument("--repeat", type=int, default=200, help="samples per query benchmark")
    parser.add_argument("--only", choices=("data", "ui", "process"), help="run one group")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bbdispatch-bench-") as tmp:
        workdir = Path(tmp)
        path = prepare(args.clients, workdir)
        print(f"database ready ({path.stat().st_size // 2**20} MB)", file=sys.stderr)
        rows: list[Row] = []
        if args.only in (None, "data"):
            rows += asyncio.run(data_rows(path, args.repeat))
        if args.only in (None, "ui"):
            rows += ui_benches.run_all(path)
        if args.only in (None, "process"):
            rows += process_benches.run_all(path, workdir)
    took = time.perf_counter() - started
    print(f"\nbbdispatch benchmarks at {args.clients:,} clients — {machine()}\n")
    print(render(rows))
    missed = [r for r in rows if r.verdict == "MISSED"]
    print(f"\n{len(rows) - len(missed)} rows met or untargeted, {len(missed)} missed; "
          f"whole run {took:.0f} s")  # fmt: skip
    return 0
