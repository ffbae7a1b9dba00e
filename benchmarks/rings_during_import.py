"""Rings during a large client import: does every call land within a second?

Usage: ``python -m benchmarks.rings_during_import [--clients 40000] [--every 0.5]``

Builds a demo database and a client CSV of the given size in a temporary
folder, starts ``bbdispatch import`` on it, and while it runs starts
``bbdispatch ring`` processes at a fixed pace, each timed from its start to its
exit (a ring that could not write would be spooled: counted apart). Prints the
import's duration and the ring latencies (median, max) and the ones over 1 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bbdispatch.services.rings import RING_LOCK_WAIT_SECONDS


def write_clients(path: Path, count: int) -> None:
    """A client file of ``count`` companies, each with its own landline number."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Nazwa", "Rodzaj", "Telefon", "Ulica", "Miejscowość", "Kod pocztowy"])
        for n in range(count):
            writer.writerow(
                [f"Firma Testowa {n:06d} Sp. z o.o.", "firma", f"22 {1000000 + n:07d}",
                 f"ul. Długa {n % 200 + 1}", "Warszawa", "00-001"]
            )  # fmt: skip


RING_WRITER = """
import asyncio, sys, time
from bbdispatch.clock import SystemClock
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import load_pricelist
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import record_ring
from bbdispatch.services.rings import RING_LOCK_WAIT_SECONDS
from bbdispatch.storage import spool
from bbdispatch.storage.database import Database, DatabaseBusy

async def main(path, every):
    db = await Database.open(path, create=False)
    db.lock_wait_seconds = RING_LOCK_WAIT_SECONDS
    ctx = Ctx(db=db, clock=SystemClock(), prices=load_pricelist(), actor="pbx",
              fallback=Principal.PHONE)
    n = 0
    while not sys.stdin.closed:
        t0 = time.monotonic()
        number = f"+48 602 {n:03d} {n % 1000:03d}"
        received = SystemClock().now()
        try:
            await record_ring(ctx, number, received_at=received)
            print(f"{time.monotonic() - t0:.4f}", flush=True)
        except DatabaseBusy:  # as 'bbdispatch ring' does: queue it, logged later
            spool.spool_ring(db.path, number, received)
            print("queued", flush=True)
        n += 1
        await asyncio.sleep(max(0.0, every - (time.monotonic() - t0)))

asyncio.run(main(sys.argv[1], float(sys.argv[2])))
"""
"""A process like a phone system's hook that stays open: times each ring's write alone."""


def bbdispatch(*args: str) -> list[str]:
    """The command line of a bbdispatch process from this interpreter."""
    return [sys.executable, "-m", "bbdispatch", *args]


def main(argv: list[str] | None = None) -> int:
    """Run the measurement once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=40_000)
    parser.add_argument("--every", type=float, default=0.5, help="seconds between rings")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, data = folder / "firm.db", folder / "clients.csv"
        subprocess.run(bbdispatch("--db", str(db), "demo"), check=True, capture_output=True)
        write_clients(data, args.clients)
        size = data.stat().st_size
        idle = []
        for n in range(3):  # the same command with nobody else writing: the baseline
            t0 = time.monotonic()
            subprocess.run(bbdispatch("--db", str(db), "ring", f"+48 603 000 {n:03d}"),
                           capture_output=True, check=True)  # fmt: skip
            idle.append(time.monotonic() - t0)
        writer = subprocess.Popen(
            [sys.executable, "-c", RING_WRITER, str(db), str(args.every / 2)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        started = time.monotonic()
        importer = subprocess.Popen(
            bbdispatch("--db", str(db), "import", str(data)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        latencies: list[float] = []
        queued = 0
        n = 0
        while importer.poll() is None:
            t0 = time.monotonic()
            ring = subprocess.run(
                bbdispatch("--db", str(db), "ring", f"+48 601 {n:03d} {n % 1000:03d}"),
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            latencies.append(time.monotonic() - t0)
            queued += "queued" in ring.stdout
            n += 1
            time.sleep(max(0.0, args.every - (time.monotonic() - t0)))
        out, err = importer.communicate()
        took = time.monotonic() - started
        writer.kill()
        answers = (writer.communicate()[0] or "").split()
        writes = [float(x) for x in answers if x != "queued"]
        gave_up = answers.count("queued")
        # one more ring once all is quiet: it logs every queued call first
        subprocess.run(bbdispatch("--db", str(db), "ring", "+48 603 999 999"),
                       capture_output=True, check=True)  # fmt: skip
        conn = sqlite3.connect(db)
        clients = conn.execute("SELECT count(*) FROM client").fetchone()[0]
        calls = conn.execute(
            "SELECT count(*) FROM call_log"
            " WHERE source = 'ring' AND raw_number NOT LIKE '+48 603 %'"
        ).fetchone()[0]
        conn.close()
        sent = len(answers) + len(latencies)
    print(
        f"import: {args.clients} clients, {size / 1e6:.1f} MB, {took:.1f} s,"
        f" exit {importer.returncode}"
    )
    print(f"  {out.strip() or err.strip()}")
    print(
        f"clients in database: {clients}; ring calls logged: {calls} of {sent} sent"
        f" (lost: {sent - calls})"
    )
    if writes:
        print(
            f"ring writes (open connection) during the import: {len(writes)}, median "
            f"{statistics.median(writes) * 1000:.0f} ms, max {max(writes) * 1000:.0f} ms, "
            f"over 1 s: {sum(x > 1.0 for x in writes)}, queued after "
            f"{RING_LOCK_WAIT_SECONDS:g} s (logged later, as 'bbdispatch ring' does): {gave_up}"
        )
    if latencies:
        over = [x for x in latencies if x > 1.0]
        print(
            f"'bbdispatch ring' processes during the import: {len(latencies)}, median "
            f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, "
            f"over 1 s: {len(over)}, queued: {queued}; the same command idle: "
            f"median {statistics.median(idle) * 1000:.0f} ms"
        )
    return 0 if importer.returncode == 0 else 1


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
