"""A busy database, a full disk and impossible dates in every dialog (issue 13).

Each dialog is filled as a person would, then saved while (a) another
connection holds the write lock, (b) the disk fills at commit (an ``OSError``
from storage), and (c) with impossible values typed. Every time the dialog
stays open with a clear message in it, what was typed is still there, the
database holds nothing of the failed save, and saving again once the cause is
gone stores it.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Role, Technician
from bbdispatch.storage.database import Database
from screens.assign import AssignScreen
from screens.callback_dialog import CallbackDialog
from screens.correct_entry import CorrectEntryScreen
from screens.entry_dialog import EntryDialog
from screens.intake import IntakeScreen
from screens.job_detail import JobDetailScreen
from screens.job_edit import JobEditScreen
from screens.sign_contract import SignContractScreen
from screens.statement import StatementScreen
from tests.helpers import DISPATCHER, query, settle_twice, settle_until, type_text

ADMIN = Technician(
    id=7, login="tester", name="tester", role=Role.ADMIN, does_onsite=True, phone=None,
    active=True,
)  # fmt: skip

Opener = Callable[[BBDispatch, Pilot[Any]], Awaitable[None]]


async def settle(app: BBDispatch, pilot: Pilot[Any]) -> None:
    await settle_twice(app, pilot)
    await pilot.pause()


def audit_rows(db: Path) -> int:
    return int(query(db, "SELECT count(*) FROM audit_log")[0][0])


@contextmanager
def write_lock_held(db_path: Path, app: BBDispatch) -> Iterator[None]:
    """Another connection holds the write lock; the App gives up after 0.3 s."""
    app.ctx.db.lock_wait_seconds = 0.3
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def disk_full_at_commit(app: BBDispatch) -> Iterator[None]:
    """Every COMMIT of the App's connection fails as a full disk does."""
    db: Database = app.ctx.db
    conn = db._conn
    real = conn.execute

    def execute(sql: str, *args: Any, **kwargs: Any) -> Any:
        if sql == "COMMIT":

            async def fail() -> None:
                raise OSError(errno.ENOSPC, "No space left on device")

            return fail()
        return real(sql, *args, **kwargs)

    conn.execute = execute  # type: ignore[method-assign]
    try:
        yield
    finally:
        conn.execute = real  # type: ignore[method-assign]


@dataclass(frozen=True)
class Case:
    """One dialog: how to reach it filled in, how to save, where it speaks."""

    name: str
    who: Technician | str
    opener: Opener
    dialog: type
    save_keys: tuple[str, ...]
    error: str
    """Selector of the place in the dialog that shows the message."""
    kept: dict[str, str]
    """Input selector → the value typed, which must survive a failed save."""


async def open_intake(app: BBDispatch, pilot: Pilot[Any]) -> None:
    await pilot.press("f2", *"601234567")
    await settle(app, pilot)
    await type_text(pilot, "Server down")
    await pilot.press("enter", "e", "r", "3")
    await settle(app, pilot)


async def open_callback(app: BBDispatch, pilot: Pilot[Any]) -> None:
    await pilot.press("f2", *"601234567")
    await settle(app, pilot)
    await type_text(pilot, "Oddzwonic w sprawie faktury")
    await pilot.press("ctrl+b")
    await settle(app, pilot)
    app.screen.query_one("#callback-when", Input).value = "25.11 9:00"


async def open_assign(app: BBDispatch, pilot: Pilot[Any]) -> None:
    board = app.screen
    assert board.select_job(17)  # type: ignore[attr-defined]
    await pilot.press("a")
    await settle(app, pilot)
    app.screen.query_one("#visit", Input).value = "25.11.2026 14:00"
    await settle(app, pilot)
    app.screen.query_one("#candidates").focus()


async def open_entry(app: BBDispatch, pilot: Pilot[Any]) -> None:
    await pilot.press("m")  # add time afterwards
    await settle(app, pilot)
    screen = app.screen
    screen.query_one("#entry-start", Input).value = "08:00"
    screen.query_one("#entry-end", Input).value = "09:00"
    screen.query_one("#entry-description", Input).value = "Kopia zapasowa"


async def open_correction(app: BBDispatch, pilot: Pilot[Any]) -> None:
    await app.push_screen(StatementScreen(2, (date(2026, 8, 1), date(2026, 8, 31))))
    await settle(app, pilot)
    await pilot.press("f8")
    await settle(app, pilot)
    await pilot.press("y")
    await settle(app, pilot)
    app.screen.query_one("#statement-lines").focus()
    await pilot.press("f7")
    await settle(app, pilot)
    app.screen.query_one("#description", Input).value = "Poprawiony opis"
    app.screen.query_one("#reason", Input).value = "Literowka"


async def open_job_edit(app: BBDispatch, pilot: Pilot[Any]) -> None:
    await app.push_screen(JobDetailScreen(12))
    await settle(app, pilot)
    await pilot.press("e")
    await settle(app, pilot)
    app.screen.query_one("#edit-description", Input).value = "Toner i bęben"


async def open_sign(app: BBDispatch, pilot: Pilot[Any]) -> None:
    await app.push_screen(SignContractScreen(4, "starter-10h"))
    await settle(app, pilot)
    app.screen.query_one("#starts-on", Input).value = "01.12.2026"


CASES = [
    Case("intake", "dispatcher", open_intake, IntakeScreen, ("enter",), "#triage-error",
         {"#description": "Server down"}),
    Case("callback", "dispatcher", open_callback, CallbackDialog, ("ctrl+s",), "#callback-error",
         {"#callback-reason": "Oddzwonic w sprawie faktury", "#callback-when": "25/11 09:00"}),
    Case("assign", "dispatcher", open_assign, AssignScreen, ("enter",), "#visit-warning",
         {"#visit": "25.11.2026 14:00"}),
    Case("time entry", "anna", open_entry, EntryDialog, ("ctrl+s",), "#error-form",
         {"#entry-description": "Kopia zapasowa", "#entry-start": "08:00"}),
    Case("correction", "admin", open_correction, CorrectEntryScreen, ("ctrl+s",),
         "#correct-error", {"#description": "Poprawiony opis", "#reason": "Literowka"}),
    Case("job edit", "dispatcher", open_job_edit, JobEditScreen, ("ctrl+s",), "#edit-error",
         {"#edit-description": "Toner i bęben"}),
    Case("sign contract", "dispatcher", open_sign, SignContractScreen, ("ctrl+s",), "#sign-error",
         {"#starts-on": "01.12.2026"}),
]  # fmt: skip


def make(case: Case, ctx_factory: Any, anna: Technician) -> BBDispatch:
    if case.who == "anna":
        return BBDispatch(ctx_factory("anna"), anna, mode="technician")
    return BBDispatch(ctx_factory(), ADMIN if case.who == "admin" else DISPATCHER)


def shown(app: BBDispatch, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _shown_now(app: Any, selector: str) -> str:
    """The message at ``selector`` if the screen has it yet, else ``""``."""
    try:
        return shown(app, selector)
    except Exception:  # noqa: BLE001 - not mounted yet: keep waiting
        return ""


@pytest.mark.parametrize("failure", ["busy", "disk full"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_a_failed_save_says_why_keeps_the_text_and_saves_later(
    case: Case, failure: str, ctx_factory: Any, demo_db_path: Path, anna: Technician
) -> None:
    app = make(case, ctx_factory, anna)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await case.opener(app, pilot)
        assert isinstance(app.screen, case.dialog)
        before = audit_rows(demo_db_path)
        trouble = (
            write_lock_held(demo_db_path, app) if failure == "busy" else disk_full_at_commit(app)
        )
        with trouble:
            await pilot.press(*case.save_keys)
            await settle(app, pilot)
            await settle_until(pilot, lambda: "Not saved" in _shown_now(app, case.error))
            assert isinstance(app.screen, case.dialog), "the dialog stays open"
            message = shown(app, case.error)
            assert "Not saved" in message
            assert ("busy" if failure == "busy" else "disk is full") in message
            assert "kept" in message
            for selector, value in case.kept.items():
                assert app.screen.query_one(selector, Input).value == value
        assert audit_rows(demo_db_path) == before, "nothing of the failed save is stored"
        await pilot.press(*case.save_keys)  # the cause is gone: the same text saves
        await settle(app, pilot)
        await settle_until(pilot, lambda: not isinstance(app.screen, case.dialog))
        assert not isinstance(app.screen, case.dialog)
        assert audit_rows(demo_db_path) > before


IMPOSSIBLE = [
    ("intake", {"#agreed": "-150"}, "#agreed-error"),
    ("callback", {"#callback-when": "31.02 10:00"}, "#callback-error"),
    ("callback", {"#callback-when": "25:00"}, "#callback-error"),
    ("assign", {"#visit": "31.02.2026 10:00"}, "#visit-warning"),
    ("assign", {"#visit": "25:00"}, "#visit-warning"),
    ("time entry", {"#entry-start": "31.02 10:00"}, "#error-start"),
    ("time entry", {"#entry-end": "25:00"}, "#error-end"),
    ("time entry", {"#entry-start": "", "#entry-end": "", "#entry-duration": "-1:30"},
     "#error-duration"),
    ("time entry", {"#entry-start": "10:00", "#entry-end": "09:00"}, "#error-end"),
    ("correction", {"#day": "31.02.2026"}, "#correct-error"),
    ("correction", {"#start": "25:00"}, "#correct-error"),
    ("correction", {"#start": "18:00", "#end": "08:00"}, "#correct-error"),
    ("job edit", {"#edit-amount": "-100"}, "#edit-error"),
    ("sign contract", {"#starts-on": "31.02.2026"}, "#sign-error"),
    ("sign contract", {"#starts-on": "01.12.2026", "#ends-on": "01.11.2026"}, "#sign-error"),
]  # fmt: skip
"""Impossible dates, times, negative durations and amounts, and where each is answered."""


@pytest.mark.parametrize(
    ("name", "typed", "error"), IMPOSSIBLE, ids=[f"{n} {v}" for n, v, _e in IMPOSSIBLE]
)
async def test_impossible_values_are_answered_in_the_dialog_and_kept(
    name: str, typed: dict[str, str], error: str, ctx_factory: Any, demo_db_path: Path,
    anna: Technician,
) -> None:  # fmt: skip
    case = next(c for c in CASES if c.name == name)
    app = make(case, ctx_factory, anna)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await case.opener(app, pilot)
        if name == "job edit":  # an amount only counts with agreed terms
            from textual.widgets import Select

            app.screen.query_one("#edit-terms", Select).value = "price"
        if name == "intake":  # the agreed price is typed before the triage keys
            app.screen.query_one("#agreed").display = True
        for selector, value in typed.items():
            app.screen.query_one(selector, Input).value = value
        await settle(app, pilot)
        before = audit_rows(demo_db_path)
        await pilot.press(*case.save_keys)
        await settle(app, pilot)
        assert isinstance(app.screen, case.dialog), "the dialog stays open"
        assert shown(app, error).strip(), "a message says what is wrong"
        assert "Traceback" not in shown(app, error)
        for selector, value in typed.items():
            assert app.screen.query_one(selector, Input).value == value
        assert audit_rows(demo_db_path) == before
