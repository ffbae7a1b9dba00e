"""Whole-process benchmarks in a real pseudo-terminal: cold start and peak memory.

Each run starts a fresh Python process (``benchmarks.firstframe``) on a pty of
80×24, exactly as a terminal or sshd would, and takes the time from just before
the process is spawned to the first frame written by the home screen. The bare
app (same widgets, no database, no services) is started the same way,
alternately, so both see the same machine load. Peak RSS comes from the
process itself (``VmHWM``) after the board has loaded its jobs.
"""

from __future__ import annotations

import fcntl
import os
import pty
import resource
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from .measure import Row, Target

REPO = Path(__file__).resolve().parent.parent


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def spawn(
    which: str, db: Path | str, out: Path, *, settle: bool = False
) -> tuple[float, int | None]:
    """Start one child on a fresh pty; return (seconds to first frame, peak RSS KiB)."""
    out.unlink(missing_ok=True)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    env.pop("TEXTUAL", None)
    cmd = [sys.executable, "-m", "benchmarks.firstframe", str(out), which]
    if settle:
        cmd.append("--settle")
    cmd += ["--", "--db", str(db)]
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    start = time.time()
    proc = subprocess.Popen(
        cmd, stdin=slave, stdout=slave, stderr=slave, cwd=REPO, env=env, start_new_session=True
    )
    os.close(slave)
    try:
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    lines = out.read_text(encoding="utf-8").split() if out.exists() else []
    if "frame" not in lines:
        raise RuntimeError(f"{which} showed no frame (exit {proc.returncode})")
    frame = float(lines[lines.index("frame") + 1]) - start
    rss = int(lines[lines.index("rss") + 1]) if "rss" in lines else None
    return frame, rss


def cold_start(db: Path | str, workdir: Path, runs: int = 5) -> list[Row]:
    """Process start → first frame, bbdispatch against a bare Textual app."""
    out = workdir / "frame.txt"
    spawn("bbdispatch", db, out)  # compile bytecode, warm the page cache
    spawn("bare", db, out)
    ours, bare = [], []
    for _ in range(runs):
        ours.append(spawn("bbdispatch", db, out)[0] * 1000)
        bare.append(spawn("bare", db, out)[0] * 1000)
    return [
        Row("cold start → first frame (pty)", "median", statistics.median(ours),
            statistics.median(bare), Target(ratio=1.5),
            f"{runs} alternating runs each; whole process from spawn to the home screen's "
            "first frame (hook on Screen._compositor_refresh), bare = Textual app with the "
            "board's widgets"),
    ]  # fmt: skip


def memory(db: Path | str, workdir: Path) -> list[Row]:
    """Peak RSS of the dispatcher App once the board has loaded, vs the bare app."""
    out = workdir / "rss.txt"
    _frame, ours = spawn("bbdispatch", db, out, settle=True)
    _frame, bare = spawn("bare", db, out, settle=True)
    return [
        Row("peak RSS, dispatcher App on scale DB", "peak", (ours or 0) / 1024,
            (bare or 0) / 1024 or None, Target(limit=250, unit="MB"),
            "peak RSS (VmHWM) of the real `bbdispatch` process after the board's load "
            "worker finished; bare = the bare app the same way", unit="MB"),
    ]  # fmt: skip


BARE_PHONE_PATH = """
import asyncio, sys
import aiosqlite, phonenumbers

async def main(path, raw):
    number = phonenumbers.parse(raw, "PL")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    async with aiosqlite.connect(path) as db:
        async with db.execute(
            "SELECT c.id, c.name FROM client c JOIN client_phone p ON p.client_id = c.id"
            " WHERE p.e164 = ?", (e164,)) as cur:
            rows = await cur.fetchall()
    print(e164, rows)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""
"""The same phone-path work on the same stack, nothing else: parse, one select."""

BARE_PHONE_PATH_PG = """
import asyncio, sys
import asyncpg, phonenumbers

async def main(url, raw):
    number = phonenumbers.parse(raw, "PL")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT c.id, c.name FROM client c JOIN client_phone p ON p.client_id = c.id"
            " WHERE p.e164 = $1", e164)
    finally:
        await conn.close()
    print(e164, rows)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""
"""The bare phone path on PostgreSQL: asyncio + asyncpg + phonenumbers, parse, one select."""


def _run_timed(cmd: list[str]) -> tuple[float, float]:
    """One child process, spawn to exit: (wall ms, CPU ms of the child, user + system).

    The CPU figure comes from ``RUSAGE_CHILDREN`` before and after; the
    benchmarks run one child at a time, so the difference is this child's. On a
    machine loaded by others, wall time moves with the scheduler while CPU time
    stays the work the process did.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, capture_output=True, check=True, timeout=60)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def phone_path(db: Path | str, source: Path, runs: int = 11) -> list[Row]:
    """``lookup`` and ``ring`` as whole processes against a bare script doing the same.

    ``db`` is the scale file or a PostgreSQL URL holding a copy of ``source``.
    Each is timed by wall clock and by the CPU time the process used; both
    against the bare script's, runs alternating.
    """
    import sqlite3

    conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    (e164,) = conn.execute("SELECT e164 FROM client_phone ORDER BY id LIMIT 1").fetchone()
    conn.close()
    raw = str(e164)
    script = BARE_PHONE_PATH if isinstance(db, Path) else BARE_PHONE_PATH_PG
    bare_cmd = [sys.executable, "-c", script, str(db), raw]
    rows: list[Row] = []
    for action in ("lookup", "ring"):
        cmd = [sys.executable, "-m", "bbdispatch", "--db", str(db), action, raw]
        _run_timed(cmd)  # compile bytecode, warm the page cache
        _run_timed(bare_cmd)
        ours, bare = [], []
        for _ in range(runs):
            ours.append(_run_timed(cmd))
            bare.append(_run_timed(bare_cmd))
        for index, measure in ((0, "median wall"), (1, "median CPU")):
            rows.append(
                Row(f"`bbdispatch {action} NUMBER`, whole process", measure,
                    statistics.median(s[index] for s in ours),
                    statistics.median(s[index] for s in bare), Target(ratio=1.5),
                    f"{runs} alternating runs each, spawn to exit, wall clock and the "
                    "child's CPU time (user + system); bare = python -c with asyncio + "
                    "aiosqlite (asyncpg) + phonenumbers: parse, one select "
                    "(benchmarks/process_benches.py)")
            )  # fmt: skip
    return rows


def ensure_bytecode() -> None:
    """Compile our modules to bytecode first, as an installed package has them.

    ``pip install`` compiles a wheel's modules; a checkout run with
    ``PYTHONDONTWRITEBYTECODE=1`` (some shells and CI set it) never writes
    them, so every benchmarked process would compile some hundred of our
    modules from source while the bare baselines load their libraries'
    bytecode, and the ratios would measure the compiler. ``compileall`` writes
    the ``__pycache__`` files whatever that variable says.
    """
    import compileall

    for folder in ("bbdispatch", "screens", "benchmarks"):
        compileall.compile_dir(REPO / folder, quiet=1)


def run_all(db: Path | str, workdir: Path, source: Path | None = None) -> list[Row]:
    """Cold start, memory and the phone path on ``db`` (the scale file ``source``, or a
    PostgreSQL URL holding a copy of it)."""
    ensure_bytecode()
    if source is None:
        assert isinstance(db, Path)
        source = db
    return cold_start(db, workdir) + memory(db, workdir) + phone_path(db, source)
