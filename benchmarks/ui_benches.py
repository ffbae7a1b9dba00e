"""What the dispatcher feels on screen, measured with Textual's Pilot (headless).

The App under test is the real ``BBDispatch`` on the scale database, with its
real screens: the board (``_home_screen()``), the job detail and the intake.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, TextArea

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock, from_db
from bbdispatch.domain.people import Technician
from bbdispatch.pricelist import load_pricelist
from bbdispatch.services.context import Ctx
from bbdispatch.services.people import os_login
from bbdispatch.storage.database import Database
from bbdispatch.storage.people import person_by_login
from screens.intake import IntakeScreen
from screens.job_detail import JobDetailScreen
from screens.widgets.board_columns import Column

from . import generate
from .data_benches import sample_numbers
from .measure import Row, Target, rows_for

REPO = Path(__file__).resolve().parent.parent
SIZE = (80, 24)
IDLE_SECONDS = 10.0
"""How long the idle board is watched for its CPU use."""


async def dispatcher(path: Path) -> Technician:
    """The person the benchmark works as (the current OS login, made a dispatcher)."""
    db = await Database.open(path)
    try:
        user = await person_by_login(db, os_login())
    finally:
        await db.close()
    assert user is not None, "run.prepare() adds the OS login as a dispatcher"
    return user


def make_app(path: Path | str, user: Technician) -> BBDispatch:
    """The real App on the scale database (a file or a PostgreSQL URL), its clock frozen
    at the generator's 'now'."""
    prices = load_pricelist()
    clock = FrozenClock(from_db(generate.utc(generate.NOW)))

    async def open_ctx() -> Ctx:
        db = await Database.open(path)
        return Ctx(db=db, clock=clock, prices=prices, actor=user.login)

    return BBDispatch(open_ctx, user)


async def settle(app: App[Any], pilot: Pilot[Any], screen: Screen[Any] | None = None) -> None:
    """Wait until the screen's workers finished and every message was handled."""
    await pilot.pause()
    workers = [w for w in app.workers if screen is None or w.node is screen]
    workers = [w for w in workers if w.group != "watch-db"]
    if workers:
        await app.workers.wait_for_complete(workers)
    await pilot.pause()


class BareTableScreen(Screen[None]):
    """The bare baseline of the board: a plain Textual ``DataTable`` filled with given rows.

    Same columns (labels, keys, widths), same cells, same size, filled the way a
    Textual app does it without help (``add_column``, then ``add_row`` per row).
    """

    def __init__(self, columns: list[Column], rows: list[tuple[str, tuple[Any, ...]]]) -> None:
        super().__init__()
        self._bare_columns = columns
        self._bare_rows = rows

    def compose(self) -> ComposeResult:
        """One table, as the board's."""
        yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Fill the table."""
        table: DataTable[Any] = self.query_one(DataTable)
        table.focus()
        for column in self._bare_columns:
            table.add_column(column.label, key=column.key, width=column.width)
        for key, cells in self._bare_rows:
            table.add_row(*cells, key=key)


class BareTableApp(App[None]):
    """A bare Textual app to push :class:`BareTableScreen` on."""


async def _open_samples(
    app: App[Any], pilot: Pilot[Any], make: Callable[[], Screen[Any]], repeat: int
) -> tuple[list[float], Screen[Any], int]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        screen = make()
        await app.push_screen(screen)
        await settle(app, pilot, screen)
        samples.append((time.perf_counter() - start) * 1000)
        rows = sum(t.row_count for t in screen.query(DataTable))
        await app.pop_screen()
        await pilot.pause()
    return samples, screen, rows


async def board_screen(path: Path | str, user: Technician, repeat: int) -> list[Row]:
    """Opening the home screen (the board) until its rows are on screen.

    Its bare baseline, in the same run: a bare Textual app opening a screen
    with a plain ``DataTable`` filled with the same rows (the board's last
    cells), so the ratio is what loading the data and drawing the board add.
    """
    app = make_app(path, user)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        samples, screen, rows = await _open_samples(app, pilot, app._home_screen, repeat)
        columns = list(getattr(screen, "_columns", []))
        shown = list(getattr(screen, "_shown", []))
    bare_app = BareTableApp()
    async with bare_app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bare, _screen, bare_rows = await _open_samples(
            bare_app, pilot, lambda: BareTableScreen(columns, shown), repeat
        )
    assert bare_rows == rows, (bare_rows, rows)
    name = f"board screen open ({type(screen).__name__}, {rows} rows)"
    return rows_for(
        name, samples, bare if shown else None, ("median", "max"),
        {"median": Target(limit=500, ratio=1.5)},
        "push the App's home screen, until its load workers finished and messages settled;"
        " bare = a bare Textual app pushing a screen with a plain DataTable, add_row per row,"
        " the same columns and cells",
    )  # fmt: skip


def _sqlite_file(source: Path) -> sqlite3.Connection:
    """The scale file, read-only: what to ask for (job ids, numbers) on either backend."""
    return sqlite3.connect(f"file:{source}?mode=ro", uri=True)


async def job_detail_screen(
    path: Path | str, user: Technician, source: Path, repeat: int = 10
) -> list[Row]:
    """Opening a job's detail screen (``source``: the scale file the jobs are picked from)."""
    cls = JobDetailScreen
    bare = _sqlite_file(source)
    total = bare.execute("SELECT max(id) FROM job").fetchone()[0]
    bare.close()
    ids = [1 + (total * k) // repeat for k in range(repeat)]
    app = make_app(path, user)
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for job_id in ids:
            start = time.perf_counter()
            screen = cls(job_id)
            await app.push_screen(screen)
            await settle(app, pilot, screen)
            samples.append((time.perf_counter() - start) * 1000)
            await app.pop_screen()
            await pilot.pause()
    return rows_for(
        "job detail screen open", samples, None, ("median", "max"), {},
        f"push {cls.__name__}(job_id) for {repeat} jobs across the years, until loaded",
    )  # fmt: skip


def _text_of(widget: object) -> str:
    return str(getattr(widget, "value", None) or getattr(widget, "text", ""))


POLL_SECONDS = 0.0002
"""How often the keystroke benchmark looks whether its key landed (0.2 ms)."""

_KEY_NAMES = {" ": "space", ",": "comma", ".": "full_stop", "-": "minus"}


async def _one_key(app: BBDispatch, pilot: Pilot[Any], screen: Screen[Any], char: str) -> float:
    """Milliseconds from a key arriving to the repainted frame.

    Pilot's own ``press`` sleeps in steps of its idle detector, which would
    swamp a 10 ms figure, so this sends the key the way the driver does, waits
    only for the screen's message queues and workers, then runs the screen's
    pending repaint (what the update timer would do next).
    """
    event = events.Key(_KEY_NAMES.get(char, char), char)
    event.set_sender(app)
    field = app.focused
    before = _text_of(field)
    start = time.perf_counter()
    assert app._driver is not None
    app._driver.send_message(event)
    await pilot._wait_for_screen()
    # The key travels App → screen → focused widget; wait until it landed. Poll with
    # a short sleep, not sleep(0): a loop kept busy by the poll itself reads to the
    # key gate (screens.key_gate) as the last key's work still running, and every key
    # would wait out the gate's bound (0.5 s), which no terminal user meets.
    while _text_of(field) == before and time.perf_counter() - start < 2:
        await asyncio.sleep(POLL_SECONDS)
        await pilot._wait_for_screen()
    workers = [w for w in app.workers if w.node is screen and w.is_running]
    if workers:
        await app.workers.wait_for_complete(workers)
        await pilot._wait_for_screen()
    app.screen._on_timer_update()
    return (time.perf_counter() - start) * 1000


async def keystrokes(path: Path | str, user: Technician, source: Path) -> list[Row]:
    """Keystroke to updated screen while typing a number and a description."""
    cls = IntakeScreen
    bare = _sqlite_file(source)
    number = sample_numbers(bare, 3)[1]
    bare.close()
    national = number[3:] if number.startswith("+48") else number
    description = "Drukarka w recepcji nie drukuje, prosze o pilny kontakt"
    app = make_app(path, user)
    samples: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = cls()
        await app.push_screen(screen)
        await settle(app, pilot, screen)
        for field, text in ((0, national), (1, description)):
            fields = [w for w in screen.query("Input, TextArea") if w.can_focus]
            if field < len(fields):
                fields[field].focus()
                await pilot.pause()
            for char in text:
                samples.append(await _one_key(app, pilot, screen, char))
        typed = [_text_of(w) for w in fields]
    note = (
        f"{len(samples)} keys: number {national} then a {len(description)}-char description; "
        f"per key: key event in, screen's queues and workers done, frame repainted. "
        f"Fields now: {typed}"
    )
    return rows_for(
        "intake keystroke → screen", samples, None, ("median", "p95"),
        {"p95": Target(limit=50)}, note,
    )  # fmt: skip


def _shows(screen: Screen[Any], job_id: int) -> bool:
    key = str(job_id)
    return any(k.value == key for t in screen.query(DataTable) for k in t.rows)


async def refresh(path: Path | str, user: Technician, count: int = 6) -> list[Row]:
    """Another process commits a job; how long until the open board shows it."""
    app = make_app(path, user)
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.writer", str(path), str(count), "1.3",
            cwd=REPO, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stdout is not None
        while line := await proc.stdout.readline():
            report = json.loads(line)
            deadline = time.time() + 10
            # Polling is the point: we watch the screen like a user would.
            while not _shows(app.screen, report["job_id"]) and time.time() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.005)
            samples.append((time.time() - report["committed_at"]) * 1000)
        await proc.wait()
        # Idle: nothing changes; what does watching for changes cost?
        await settle(app, pilot)
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(IDLE_SECONDS)
        idle = (time.process_time() - cpu) / (time.perf_counter() - wall) * 100
    return [
        Row("board idle, watching for commits", "CPU %", idle, None,
            Target(limit=3, unit="%"),
            f"{IDLE_SECONDS:g} s with the board open and nothing changing: process CPU time"
            " / wall time "
            "(the App stats the WAL file every 20 ms, queries only when it moved)", unit="%"),
        *rows_for(
        "other process commits → board shows it", samples, None, ("median", "max"),
        {"median": Target(limit=150), "max": Target(limit=1000)},
        f"{count} jobs committed by a separate writer process; the App watches the WAL "
        "file and then asks data_version",
    ),
    ]  # fmt: skip


async def _run(path: Path | str, source: Path) -> list[Row]:
    user = await dispatcher(source)
    rows = await board_screen(path, user, 5)
    rows += await job_detail_screen(path, user, source)
    rows += await keystrokes(path, user, source)
    rows += await refresh(path, user)
    return rows


def run_all(path: Path | str, source: Path | None = None) -> list[Row]:
    """All screen benchmarks on ``path`` (a file or a PostgreSQL URL holding a copy of
    the scale file ``source``; default: ``path`` itself)."""
    if source is None:
        assert isinstance(path, Path)
        source = path
    return asyncio.run(_run(path, source))


__all__ = ["Input", "TextArea", "run_all"]
