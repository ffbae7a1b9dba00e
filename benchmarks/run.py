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
from typing import Any

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


async def data_rows(path: Path | str, repeat: int) -> list[Row]:
    """The service-level benchmarks, each with its bare baseline (sqlite3, or plain asyncpg)."""
    from bbdispatch.clock import FrozenClock, from_db

    clock = FrozenClock(from_db(generate.utc(generate.NOW)))
    db = await Database.open(path)
    ctx = Ctx(db=db, clock=clock, prices=load_pricelist(), actor="bench", fallback=Principal.SYSTEM)
    if isinstance(path, str):
        from .pg import PgBare

        bare: Any = await asyncio.to_thread(PgBare, path)
    else:
        bare = sqlite3.connect(str(path))
    try:
        rows: list[Row] = []
        rows += await data_benches.lookup(ctx, bare, repeat * 5)
        rows += await data_benches.search(ctx, bare, repeat * 2)
        rows += await data_benches.board(ctx, bare, max(5, repeat // 10))
        rows += await data_benches.job_detail(ctx, bare, repeat)
        rows += await data_benches.contracts(ctx, bare, repeat)
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
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="sqlite",
        help="where to run (both: every benchmark on each, side by side)",
    )  # fmt: skip
    parser.add_argument(
        "--pg", metavar="URL", help="an empty PostgreSQL database (default: a throw-away server)"
    )
    args = parser.parse_args(argv)
    if args.backend != "sqlite":
        return both_backends(args)
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


def backend_rows(
    target: Path | str, source: Path, workdir: Path, args: argparse.Namespace
) -> list[Row]:
    """Every benchmark group asked for (``--only``) on one backend.

    ``target`` is the scale file or a PostgreSQL URL holding a copy of it;
    ``source`` is the scale file, which says what to ask for (job ids, numbers).
    """
    rows: list[Row] = []
    if args.only in (None, "data"):
        rows += asyncio.run(data_rows(target, args.repeat))
    if args.only in (None, "ui"):
        rows += ui_benches.run_all(target, source)
    if args.only in (None, "process"):
        rows += process_benches.run_all(target, workdir, source)
    return rows


def both_backends(args: argparse.Namespace) -> int:
    """SQLite and PostgreSQL on the same scale data, one table side by side."""
    started = time.perf_counter()
    server = None
    with tempfile.TemporaryDirectory(prefix="bbdispatch-bench-") as tmp:
        workdir = Path(tmp)
        path = prepare(args.clients, workdir)
        url = args.pg
        if url is None:
            from tests.pg_server import start_server

            server = start_server()
            url = server.url(server.create(prefix="bench"))
        from . import pg

        try:
            # Before the SQLite benchmarks write their jobs: both start from the same data.
            took = asyncio.run(pg.load(path, url))
            print(f"copied into PostgreSQL in {took:.0f} s", file=sys.stderr)
            on_sqlite: list[Row] = []
            if args.backend == "both":
                on_sqlite = backend_rows(path, path, workdir, args)
            on_pg = backend_rows(url, path, workdir, args)
        finally:
            if server is not None:
                server.stop()
    took = time.perf_counter() - started
    print(f"\nbbdispatch benchmarks at {args.clients:,} clients — {machine()}\n")
    print(render_side_by_side(on_sqlite, on_pg) if on_sqlite else render(on_pg))
    print(f"\nwhole run {took:.0f} s")
    return 0


def render_side_by_side(sqlite_rows: list[Row], pg_rows_: list[Row]) -> str:
    """One line per benchmark and statistic: SQLite and PostgreSQL, each with its bare ratio."""
    from .measure import _num

    def key(r: Row) -> tuple[str, str]:
        return (r.name.split(" (")[0] if "statement" in r.name else r.name, r.measure)

    on_pg = {key(r): r for r in pg_rows_}
    header = ("benchmark", "stat", "SQLite", "bare", "ratio", "PostgreSQL", "bare", "ratio",
              "target", "SQLite", "PostgreSQL")  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in sqlite_rows:
        p = on_pg.get(key(r))

        def ratio(x: Row | None) -> str:
            return "—" if x is None or x.ratio is None else f"{x.ratio:.2f}×"

        cells = (
            r.name, r.measure, _num(r.value, r.unit), _num(r.bare, r.unit), ratio(r),
            _num(p.value, p.unit) if p else "—", _num(p.bare, p.unit) if p else "—", ratio(p),
            r.target.describe() if r.target else "", r.verdict, p.verdict if p else "",
        )  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
