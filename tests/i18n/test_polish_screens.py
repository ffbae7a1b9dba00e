"""A Polish session on the demo shows no English on the screens of the day.

Each screen is opened at 100x40 on the demo database (written by an English
session, so stored system texts must be worded when read) and its visible text
is scanned for English words that the catalogue translates. Stored values of
the demo (names, descriptions) are Polish, product codes and NIP are codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.people import Technician
from bbdispatch.pricelist import PriceList
from screens.call_log import CallLogScreen
from screens.callbacks import CallbacksScreen
from screens.client import ClientScreen
from screens.contract_history import ContractHistoryScreen
from screens.contracts import ContractsScreen
from screens.job_detail import JobDetailScreen
from screens.recurring_tasks import RecurringTasksScreen
from screens.statement import StatementScreen
from screens.tech_entries import MyEntriesScreen
from tests.helpers import DISPATCHER, settle_twice

ENGLISH = {
    "the", "and", "with", "of", "job", "jobs", "client", "contract", "contracts",
    "hours", "left", "used", "active", "closed", "expired", "done", "new", "assigned",
    "triaged", "cancelled", "emergency", "normal", "low", "onsite", "on-site", "remote",
    "hardware", "software", "network", "training", "other", "created", "edited", "timer",
    "running", "waiting", "missed", "information", "company", "private", "prospect",
    "archived", "technician", "dispatcher", "admin", "total", "net", "gross", "billed",
    "uncovered", "statement", "period", "draft", "issued", "today", "yesterday", "none",
    "overdue", "open", "problem", "run", "runs", "documented", "agreed", "rate", "price",
    "prepaid", "block", "recurring", "task", "chosen", "moved", "call", "calls", "back",
    "callback", "note", "notes", "search", "filter", "save", "cancel", "edit", "delete",
    "loading", "name", "phone", "email", "address", "assign", "received", "visit",
}  # fmt: skip
"""English words a Polish screen must not show."""
ALLOWED = {"Admin. IT"}
"""Polish words that look English: *Admin. IT*, the glossary's short form of *umowa
administrowania IT* (product codes are no longer shown: they read by name)."""


def english_words(text: str) -> list[str]:
    """The words of :data:`ENGLISH` in a screen's text (price-list codes left out)."""
    for code in ALLOWED:
        text = text.replace(code, " ")
    return sorted({w for w in re.findall(r"[A-Za-z][A-Za-z-]*", text) if w.lower() in ENGLISH})


def screen_text(app: BBDispatch) -> str:
    """Everything the screen shows, as plain text (from its SVG export)."""
    svg = re.sub(r"<style.*?</style>", "", app.export_screenshot(), flags=re.S)
    text = re.sub(r"<[^>]+>", "", svg).replace("&#160;", " ")
    return re.sub(r"&[a-z]+;", " ", text)


SCREENS: list[tuple[str, Callable[[], Screen[Any]]]] = [
    ("job detail 15", lambda: JobDetailScreen(15)),
    ("job detail 12", lambda: JobDetailScreen(12)),
    ("client 1", lambda: ClientScreen(1)),
    ("client 3", lambda: ClientScreen(3)),
    ("contracts", lambda: ContractsScreen()),
    ("statement 1", lambda: StatementScreen(1)),
    ("statement 3", lambda: StatementScreen(3)),
    ("call log", lambda: CallLogScreen()),
    ("callbacks", lambda: CallbacksScreen()),
    ("recurring tasks", lambda: RecurringTasksScreen(3)),
    ("contract history", lambda: ContractHistoryScreen(3)),
]


@pytest.mark.parametrize(("name", "make"), SCREENS, ids=[n for n, _m in SCREENS])
async def test_screen_is_polish(
    ctx_factory: Callable[..., Callable[[], object]],
    polish: None,
    name: str,
    make: Callable[[], Screen[Any]],
) -> None:
    from tests.ui.test_contracts_statement import ADMIN

    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(make())
        await settle_twice(app, pilot)
        await settle_twice(app, pilot)
        shown = screen_text(app)
    assert not english_words(shown), f"{name}: {english_words(shown)}\n{shown}"


async def test_board_is_polish(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        shown = screen_text(app)
    assert not english_words(shown), shown


async def test_the_net_catches_an_english_screen(
    ctx_factory: Callable[..., Callable[[], object]],
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(JobDetailScreen(15))
        await settle_twice(app, pilot)
        shown = screen_text(app)
    assert {"created", "network"} <= {w.lower() for w in english_words(shown)}, shown


async def test_technician_workspace_and_entries_are_polish(
    ctx_factory: Callable[..., Callable[[], object]], anna: Technician, polish: None
) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        workspace = screen_text(app)
        await app.push_screen(MyEntriesScreen())
        await settle_twice(app, pilot)
        entries = screen_text(app)
    assert not english_words(workspace), workspace
    assert not english_words(entries), entries


async def test_intake_with_a_known_caller_and_help_are_polish(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        await pilot.press("f2")
        await settle_twice(app, pilot)
        await pilot.press(*"601234567")
        await settle_twice(app, pilot)
        intake = screen_text(app)
        await pilot.press("f1")
        await settle_twice(app, pilot)
        help_text = screen_text(app)
    assert not english_words(intake), intake
    assert not english_words(help_text), help_text


async def test_the_call_logs_note_is_one_word_in_the_footer_and_its_dialog(
    ctx_factory: Callable[..., Callable[[], object]],
    polish: None,
    demo_db_path: Path,
    clock: FrozenClock,
    prices: PriceList,
) -> None:
    """The key n said "Uwagi" in the footer and "Notatka do połączenia" in its dialog."""
    from screens.note_prompt import NotePrompt
    from tests.helpers import ring

    await ring(demo_db_path, clock, prices, "601 234 567")

    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(CallLogScreen())
        await settle_twice(app, pilot)
        footer = screen_text(app).splitlines()
        assert any("n Notatka" in line for line in footer), footer[-6:]
        assert "Uwagi" not in screen_text(app)
        await pilot.press("n")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, NotePrompt)
        assert "Notatka do połączenia" in screen_text(app)
