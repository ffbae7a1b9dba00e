"""Helpers the UI and snapshot tests share: the dispatcher, settling, small queries."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable
from textual.worker import WorkerCancelled

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.people import Role, Technician
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import PriceList
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import record_ring
from bbdispatch.storage.database import Database
from bbdispatch.storage.people import person_by_login
from screens.intake import IntakeScreen

DISPATCHER = Technician(
    id=5, login="beata", name="Beata Jankowska", role=Role.DISPATCHER, does_onsite=False,
    phone=None, active=True,
)  # fmt: skip
"""The demo's dispatcher, who signs in to the board in most UI tests."""

S = TypeVar("S", bound=Screen[Any])
"""A screen type a helper returns as it found it."""


async def wait_for_workers(app: Any, pilot: Pilot[Any]) -> None:
    """Wait until the App's workers are done.

    An exclusive worker (a screen's ``load``) cancelled by a newer run of
    itself while we wait is not a failure: the newer run is waited for too.
    """
    for _attempt in range(5):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await pilot.pause()


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.pause()
    await wait_for_workers(pilot.app, pilot)
    await pilot.pause()


async def settle_until(pilot: Pilot[Any], done: Callable[[], bool], seconds: float = 20) -> None:
    """Settle until ``done()`` holds (at most ``seconds``): on a loaded machine a save's
    follow-up work (a dialog's callback starting the refresh) may start after one settle."""
    deadline = asyncio.get_running_loop().time() + seconds
    await settle(pilot)
    while not done() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
        await settle(pilot)


async def settle_twice(app: BBDispatch, pilot: Pilot[Any]) -> None:
    """Wait for workers and redraw, twice: for screens whose loading starts more work."""
    for _ in range(2):
        await wait_for_workers(app, pilot)
        await pilot.pause()


def burst(app: Any, *keys: str) -> None:
    """Keys as one read from the terminal delivers them: all posted before the first is handled.

    ``pilot.press`` waits for each key to be handled; a terminal that reads
    several keys at once (a paste, a laggy link, tmux ``send-keys``) posts
    them all first. A one-character string is typed as that character (a
    space, or ``"space"``, as ``space``); longer strings are key names
    (``enter``, ``tab``, ``ctrl+f``).
    """
    for key in keys:
        if key in (" ", "space"):
            app.post_message(events.Key("space", " "))
        elif len(key) == 1:
            app.post_message(events.Key(key, key))
        else:
            app.post_message(events.Key(key, None))


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type free text (the description, not counted as keystrokes)."""
    await pilot.press(*["space" if c == " " else c for c in text])


async def new_caller(pilot: Pilot[Any], number: str = "500600722", name: str = "Biuro Lis") -> None:
    """Take a call from an unknown number (F2, the number, Enter) and type the new caller's name."""
    await pilot.press("f2", *number, "enter")
    await settle(pilot)
    await type_text(pilot, name)


def count(db_path: Path, table: str) -> int:
    """How many rows a table of the test database has."""
    return int(query(db_path, f"SELECT count(*) FROM {table}")[0][0])


def add_callbacks_due(db_path: Path) -> None:
    """Two callbacks due for the demo's first client (+48226281234) before the tests' morning."""
    with sqlite3.connect(db_path) as conn:
        for reason in ("Oddzwonić A", "Oddzwonić B"):
            conn.execute(
                "INSERT INTO callback (client_id, e164, name, reason, due_at, created_at,"
                " created_by) VALUES (1, '+48226281234', '', ?, '2026-11-24T07:00:00Z',"
                " '2026-11-24T07:00:00Z', 'tester')", (reason,),
            )  # fmt: skip
    conn.close()


def query(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    """Read the test database directly, behind the App's back."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def newest_job(db_path: Path) -> tuple[sqlite3.Row, str]:
    """The test database's newest job (its row) and the name of its client."""
    job = query(db_path, "SELECT * FROM job ORDER BY id DESC LIMIT 1")[0]
    client = query(db_path, "SELECT name FROM client WHERE id = ?", (job["client_id"],))
    return job, str(client[0]["name"])


def make_app(ctx_factory: Any) -> BBDispatch:
    """The dispatcher's App on the demo database, polling fast."""
    return BBDispatch(ctx_factory(), DISPATCHER, poll_seconds=0.1)


@asynccontextmanager
async def dispatcher_after(
    ctx_factory: Any, *keys: str
) -> AsyncIterator[tuple[BBDispatch, Pilot[Any]]]:
    """The dispatcher's App running at 80x24, settled, after ``keys`` (settled too).

    ``keys`` are pressed as one ``pilot.press`` (``"f2"`` opens the intake,
    ``"l"`` the call log); none leaves the board.
    """
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        yield app, pilot


async def ring(db_path: str | Path, clock: FrozenClock, prices: PriceList, number: str) -> None:
    """A call rings at ``number`` as the phone system reports it (``bbdispatch ring``).

    ``db_path`` is a SQLite file or a PostgreSQL URL (what ``Database.open`` takes).
    """
    db = await Database.open(db_path)
    try:
        await record_ring(Ctx(db, clock, prices, "pbx", fallback=Principal.PHONE), number)
    finally:
        await db.close()


async def open_from(
    app: BBDispatch, pilot: Pilot[Any], page: Screen[Any], key: str, form: type[S]
) -> S:
    """Push ``page`` over the current screen, press ``key`` on it, and return the ``form``
    screen that opens (``ClientScreen(1)``, ``"e"``, ``ClientEditScreen``: a client's edit form).
    """
    app.push_screen(page)
    await settle(pilot)
    await pilot.press(key)
    await settle_until(pilot, lambda: isinstance(app.screen, form))
    screen = app.screen
    assert isinstance(screen, form)
    return screen


@asynccontextmanager
async def intake_after(
    ctx_factory: Any, *keys: str
) -> AsyncIterator[tuple[BBDispatch, Pilot[Any], IntakeScreen]]:
    """The dispatcher's intake, opened with F2 on the board, after ``keys`` (settled).

    ``keys`` are pressed as one ``pilot.press`` into the intake (``*"601234567"``
    types a known number); with none the intake stays as it opened.
    """
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        yield app, pilot, intake


async def take_waiting_call(app: BBDispatch, pilot: Pilot[Any]) -> IntakeScreen:
    """Take the waiting call on the call log (``t``) and return the intake it opens."""
    await pilot.press("t")
    await settle(pilot)
    intake = app.screen
    assert isinstance(intake, IntakeScreen)
    return intake


async def press_settled(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys`` (one ``pilot.press``) and let the App settle after them."""
    await pilot.press(*keys)
    await settle(pilot)


def last_call(db_path: Path) -> sqlite3.Row:
    """The test database's newest call_log row (every column)."""
    return query(db_path, "SELECT * FROM call_log ORDER BY id DESC LIMIT 1")[0]


def write(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> None:
    """Change the test database behind the App's back, committed, as another process would."""
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


async def wait_for_screen(app: BBDispatch, pilot: Pilot[Any], form: type[S]) -> S:
    """Settle until ``form`` is the current screen, settle once more, and return it."""
    await settle_until(pilot, lambda: isinstance(app.screen, form))
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, form)
    return screen


def load_person(db_path: Path, login: str) -> Technician:
    """A person of the demo database, to sign in as."""

    async def get() -> Technician:
        db = await Database.open(db_path)
        try:
            found = await person_by_login(db, login)
        finally:
            await db.close()
        assert found is not None
        return found

    return asyncio.run(get())


def shown_ids(app: BBDispatch) -> list[int]:
    """Job numbers on the board, top to bottom."""
    table = app.screen.query_one("#job-table", DataTable)
    return [int(str(table.get_row_at(i)[0])) for i in range(table.row_count)]


def cell(app: BBDispatch, job_id: int, column: str) -> str:
    """What one cell of the board shows."""
    table = app.screen.query_one("#job-table", DataTable)
    return str(table.get_cell(str(job_id), column))
