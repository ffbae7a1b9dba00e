"""The main screens in Polish at 80x24: board, intake with the caller card, technician, statement.

Polish words are longer than English ones; ``tests/ui/test_polish_fit.py`` checks
the same screens for cut headers and footers, these keep how they look.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from bbdispatch.app import BBDispatch
from screens.statement import StatementScreen
from tests.helpers import DISPATCHER, load_person, settle


def _intake(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("f2", *keys)
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


def test_board_pl(snap_compare: Any, ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_intake_and_caller_card_pl(snap_compare: Any, ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_intake(*"601234567"))


def test_intake_new_client_pl(snap_compare: Any, ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_intake(*"500600700", "enter"))


def test_technician_pl(
    snap_compare: Any, ctx_factory: Any, demo_db_path: Path, polish: None
) -> None:
    anna = load_person(demo_db_path, "anna")
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_statement_pl(snap_compare: Any, ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(StatementScreen(3))
        await settle(pilot)
        await settle(pilot)
        for field in pilot.app.screen.query(Input):  # a blinking cursor made it flaky
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_help_pl(snap_compare: Any, ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
