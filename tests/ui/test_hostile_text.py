"""Stored text is text: a hostile database through every screen at 80x24.

Client, contact and technician names, job descriptions, call numbers and notes,
task titles, entries and program names hold markup, click actions, escape
sequences, C0/C1 controls, bidi overrides and a 10 000-character name. Every
screen must show them literally (or as a visible placeholder), carry no click
action, keep the app running when the text is clicked, and write no file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Static

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.people import Technician
from bbdispatch.domain.rights import Principal
from bbdispatch.pricelist import PriceList
from bbdispatch.services.board import job_detail
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import record_ring
from bbdispatch.storage.database import Database
from bbdispatch.text import CONTROL_CODEPOINTS
from tests.helpers import DISPATCHER, load_person, settle
from tests.hostile import BOLD, CLEAR, MARKERS, OSC, QUIT, SHOT, poison


@pytest.fixture
async def hostile_db(
    demo_db_path: Path, clock: FrozenClock, prices: PriceList, tmp_path: Path
) -> Path:
    db = await Database.open(demo_db_path)
    try:
        ctx = Ctx(db, clock, prices, "pbx", fallback=Principal.PHONE)
        for raw in (QUIT, SHOT, f"{OSC}{CLEAR}601", BOLD, "601 234 567"):
            await record_ring(ctx, raw)
    finally:
        await db.close()
    poison(demo_db_path)
    return demo_db_path


@pytest.fixture
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def written(cwd: Path) -> list[Path]:
    """Files a click action wrote into the working directory."""
    return list(cwd.iterdir())


def strips(app: BBDispatch) -> list[Strip]:
    return app.screen._compositor.render_strips()


def screen_text(app: BBDispatch) -> str:
    return "\n".join("".join(s.text for s in strip) for strip in strips(app))


def actions_on_screen(app: BBDispatch) -> list[object]:
    """Every click action any drawn cell carries (markup would put one there)."""
    found: list[object] = []
    for strip in strips(app):
        for segment in strip:
            style = segment.style
            if style is not None and style._meta and "@click" in style.meta:
                found.append(style.meta["@click"])
    return found


def raw_controls(app: BBDispatch) -> list[str]:
    return [
        repr(s.text)
        for strip in strips(app)
        for s in strip
        if not isinstance(s, Segment) or any(ord(c) in CONTROL_CODEPOINTS for c in s.text)
    ]


async def click_the_text(pilot: Any) -> None:
    """Click every ``Q``/``S`` that the corpus' click actions would cover."""
    lines = screen_text(pilot.app).splitlines()
    for y, line in enumerate(lines):
        for needle in ("]Q[", "]S["):
            x = line.find(needle)
            if x >= 0:
                await pilot.click(offset=(x + 1, y))
                await pilot.pause()


Factory = Callable[[BBDispatch], Awaitable[Screen[Any]]]


async def _board(app: BBDispatch) -> Screen[Any]:
    return app.screen


def _screen(build: Callable[[BBDispatch], Screen[Any]]) -> Factory:
    async def make(app: BBDispatch) -> Screen[Any]:
        return build(app)

    return make


async def _job_edit(app: BBDispatch) -> Screen[Any]:
    from screens.job_edit import JobEditScreen

    return JobEditScreen(await job_detail(app.ctx, 12))


async def _correct_entry(app: BBDispatch) -> Screen[Any]:
    from datetime import date

    from bbdispatch.services.statements import build_statement
    from screens.correct_entry import CorrectEntryScreen

    found = await build_statement(app.ctx, 3, date(2026, 11, 1), date(2026, 11, 30))
    return CorrectEntryScreen(found.lines[0])


async def _entry_dialog(app: BBDispatch) -> Screen[Any]:
    from bbdispatch.domain.jobs import JobMode
    from screens.entry_dialog import EntryDefaults, EntryDialog

    async def submit(_values: object) -> None:
        return None

    defaults = EntryDefaults(title=QUIT + OSC, mode=JobMode.REMOTE, description=BOLD + CLEAR)
    return EntryDialog(defaults, app.ctx.clock, submit)


async def _text_dialog(app: BBDispatch) -> Screen[Any]:
    from screens.text_dialog import TextDialog

    async def submit(_text: str) -> None:
        return None

    return TextDialog(QUIT + OSC, BOLD, submit)


async def _client_edit(app: BBDispatch) -> Screen[Any]:
    from bbdispatch.services.clients import get_client
    from screens.client_edit import ClientEditScreen

    return ClientEditScreen(await get_client(app.ctx, 1))


async def _callback_outcome(app: BBDispatch) -> Screen[Any]:
    from bbdispatch.domain.callbacks import Callback
    from screens.callback_outcome import CallbackOutcomeDialog

    now = app.ctx.clock.now()
    tried = Callback(
        id=1, client_id=None, client_name=BOLD, call_id=None, e164="+48601234567",
        name=OSC, reason=QUIT + OSC, due_at=now, created_by="beata", created_at=now,
        done_at=None, done_by="", outcome="", attempts=2, last_attempt_at=now,
        last_attempt_note=QUIT,
    )  # fmt: skip
    return CallbackOutcomeDialog(tried)


def _dispatcher_screens() -> dict[str, Factory]:
    from screens.assessment import AssessmentScreen
    from screens.assign import AssignScreen
    from screens.backup_check_dialog import BackupCheckDialog
    from screens.call_log import CallLogScreen
    from screens.callback_dialog import CallbackDialog
    from screens.callbacks import CallbacksScreen
    from screens.client import ClientScreen
    from screens.contract_history import ContractHistoryScreen
    from screens.contracts import ContractsScreen
    from screens.help import HelpScreen
    from screens.intake import IntakeScreen
    from screens.inventory_view import InventoryScreen
    from screens.it_admin import AdminContractPicker
    from screens.itadmin_report_view import ItAdminReportScreen
    from screens.job_detail import JobDetailScreen
    from screens.missed_runs_dialog import MissedRunsDialog
    from screens.note_prompt import NotePrompt
    from screens.recurring_tasks import RecurringTasksScreen
    from screens.run_log_dialog import RunLogDialog
    from screens.sign_contract import SignContractScreen
    from screens.statement import StatementScreen
    from screens.task_form import TaskForm
    from screens.widgets.confirm import ConfirmScreen

    return {
        "board": _board,
        "call-log": _screen(lambda a: CallLogScreen()),
        "intake": _screen(lambda a: IntakeScreen()),
        "job-detail": _screen(lambda a: JobDetailScreen(12)),
        "job-detail-long": _screen(lambda a: JobDetailScreen(16)),
        "job-edit": _job_edit,
        "assign": _screen(lambda a: AssignScreen(13)),
        "assign-long": _screen(lambda a: AssignScreen(12)),  # a 10 000-character description
        "contracts": _screen(lambda a: ContractsScreen()),
        "contracts-client": _screen(lambda a: ContractsScreen(4)),
        "statement": _screen(lambda a: StatementScreen(3)),
        "it-admin-picker": _screen(lambda a: AdminContractPicker()),
        "recurring-tasks": _screen(lambda a: RecurringTasksScreen(3)),
        "contract-history": _screen(lambda a: ContractHistoryScreen(3)),
        "inventory": _screen(lambda a: InventoryScreen(3, None)),
        "itadmin-report": _screen(lambda a: ItAdminReportScreen(3)),
        "assessment": _screen(lambda a: AssessmentScreen(1)),
        "sign-contract": _screen(lambda a: SignContractScreen(1)),
        "client": _screen(lambda a: ClientScreen(1)),
        "client-edit": _client_edit,
        "callbacks": _screen(lambda a: CallbacksScreen()),
        "callback-dialog": _screen(lambda a: CallbackDialog(QUIT + OSC, BOLD)),
        "callback-outcome": _callback_outcome,
        "task-form": _screen(lambda a: TaskForm(3)),
        "missed-runs": _screen(lambda a: MissedRunsDialog([a.ctx.clock.now()])),
        "run-log": _screen(lambda a: RunLogDialog(21)),
        "backup-check": _screen(lambda a: BackupCheckDialog(23)),
        "help": _screen(lambda a: HelpScreen(a.screen)),
        "note-prompt": _screen(lambda a: NotePrompt(QUIT + OSC)),
        "confirm": _screen(lambda a: ConfirmScreen(QUIT + OSC, hint=BOLD)),
        "correct-entry": _correct_entry,
        "entry-dialog": _entry_dialog,
        "text-dialog": _text_dialog,
    }


COVERED = {
    "BoardScreen", "CallLogScreen", "IntakeScreen", "JobDetailScreen", "JobEditScreen",
    "AssignScreen", "ContractsScreen", "StatementScreen", "AdminContractPicker",
    "RecurringTasksScreen", "ContractHistoryScreen", "InventoryScreen", "AssessmentScreen",
    "SignContractScreen", "TaskForm", "RunLogDialog", "BackupCheckDialog", "HelpScreen",
    "NotePrompt", "ConfirmScreen", "CorrectEntryScreen", "EntryDialog", "TextDialog",
    "TechJobsScreen", "MyEntriesScreen", "ClientScreen", "ClientEditScreen",
    "CallbacksScreen", "CallbackDialog", "MissedRunsDialog", "ItAdminReportScreen",
    "Palette",  # ctrl+p in test_toasts_titles_and_the_palette_are_literal
    "CallbackOutcomeDialog",
}  # fmt: skip
"""Every screen class the tests below open with the hostile database."""

BASES = {"BBScreen", "BBModal", "JobActionsScreen", "FormDialog"}
"""Screen classes that are only ever subclassed."""


def test_every_screen_is_opened_on_the_hostile_database() -> None:
    """A new screen must join this module's list (or be a base), so it is tested too."""
    import importlib
    import inspect
    import pkgutil

    import screens

    found = set()
    for module_info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(module_info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Screen) and obj.__module__ == module.__name__:
                found.add(name)
    missing = found - COVERED - BASES
    assert not missing, f"open these on the hostile database in {__name__}: {sorted(missing)}"


DISPATCHER_SCREENS = list(_dispatcher_screens())
SHOWS_NOTHING_STORED = {"help", "sign-contract", "backup-check", "task-form", "missed-runs"}
"""Screens whose 80x24 view holds no stored text from the corpus (only forms)."""


def assert_literal(app: BBDispatch, name: str, cwd: Path) -> None:
    text = screen_text(app)
    assert not actions_on_screen(app), f"{name}: click actions drawn"
    assert not raw_controls(app), f"{name}: control characters reach the terminal"
    if name not in SHOWS_NOTHING_STORED:
        assert any(m in text for m in MARKERS), f"{name} shows none of the corpus:\n{text}"
    assert "\x1b" not in text and "\u202e" not in text
    assert written(cwd) == []


@pytest.mark.parametrize("name", DISPATCHER_SCREENS)
async def test_every_dispatcher_screen_shows_stored_text_literally(
    name: str, hostile_db: Path, ctx_factory: Any, empty_cwd: Path
) -> None:
    app = BBDispatch(ctx_factory("beata"), DISPATCHER, poll_seconds=0.1, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await _dispatcher_screens()[name](app)
        if screen is not app.screen:
            await app.push_screen(screen)
            await settle(pilot)
        assert app.screen is screen
        if name == "intake":  # the caller's card: a matched number shows the client
            for key in "601234567":
                await pilot.press(key)
            await settle(pilot)
        assert_literal(app, name, empty_cwd)
        await click_the_text(pilot)
        await settle(pilot)
        assert app.is_running and app.return_code is None, f"{name}: a click quit the app"
        assert written(empty_cwd) == [], f"{name}: a click wrote a file"


async def test_toasts_titles_and_the_palette_are_literal(
    hostile_db: Path, ctx_factory: Any, empty_cwd: Path
) -> None:
    app = BBDispatch(ctx_factory("beata"), DISPATCHER, poll_seconds=0.1, schedule_seconds=None)
    # 100 columns: the header begins with the count of the database's waiting calls
    # (issue 13), and at 80 the end of this long title is cut with … to make room.
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        app.screen.title = f"{BOLD}{OSC}"
        app.screen.sub_title = QUIT
        app.notify(f"{QUIT} {SHOT} {CLEAR}", title=BOLD)
        await settle(pilot)
        text = screen_text(app)
        assert "[@click=app.quit]Q[/]" in text  # the toast, word for word
        assert "[b]Ala[/b]␛]0;pwned␇" in text  # the header
        assert not actions_on_screen(app)
        assert not raw_controls(app)
        await click_the_text(pilot)
        await settle(pilot)
        assert app.is_running
        # The palette lists clients and jobs by stored text.
        await pilot.press("ctrl+p")
        await settle(pilot)
        for key in "Firma":
            await pilot.press(key)
        await pilot.pause(0.5)
        await settle(pilot)
        text = screen_text(app)
        assert "[@click=app.quit]Q[/]" in text, text
        assert not actions_on_screen(app)
        assert not raw_controls(app)
        await click_the_text(pilot)
        await settle(pilot)
        assert app.is_running
    assert written(empty_cwd) == []


@pytest.fixture
def anna(hostile_db: Path) -> Technician:
    return load_person(hostile_db, "anna")


async def test_technician_screens_show_stored_text_literally(
    hostile_db: Path, ctx_factory: Any, anna: Technician, empty_cwd: Path
) -> None:
    from screens.tech_entries import MyEntriesScreen

    app = BBDispatch(ctx_factory("anna"), anna, mode="technician", poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert_literal(app, "tech-jobs", empty_cwd)
        await click_the_text(pilot)
        await settle(pilot)
        assert app.is_running
        await app.push_screen(MyEntriesScreen())
        await settle(pilot)
        assert_literal(app, "tech-entries", empty_cwd)
        await click_the_text(pilot)
        await settle(pilot)
        assert app.is_running
    assert written(empty_cwd) == []


async def test_the_check_sees_markup_when_a_widget_parses_it(
    hostile_db: Path, ctx_factory: Any, empty_cwd: Path
) -> None:
    """Without the plain widgets this test module would fail: Textual's Static obeys."""
    app = BBDispatch(ctx_factory("beata"), DISPATCHER, poll_seconds=0.1, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.screen.mount(Static(SHOT + " " + QUIT), before=0)  # literal-ok: counter-example
        await settle(pilot)
        assert actions_on_screen(app)
        for y, strip in enumerate(strips(app)):
            x = 0
            for segment in strip:
                style = segment.style
                if style is not None and style._meta and "@click" in style.meta:
                    await pilot.click(offset=(x, y))
                    await pilot.pause()
                x += segment.cell_length
    assert written(empty_cwd) or app.return_code is not None
