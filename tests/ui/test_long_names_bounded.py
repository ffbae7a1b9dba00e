"""A 10 000-character stored name never pushes a question's answer line or amount off screen.

The last tester wrote such a name straight into the database (the command line
and imports cap names at 200): archiving the client and issuing its statement
filled the yes/no dialog with the name, so the amount and ``y: yes · n / Esc:
no`` were below the 24th row, and a toast naming it covered the screen. The
dialog (``ConfirmScreen``) and the App's ``notify`` now bound their text.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets._toast import Toast

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Role, Technician
from screens.client import ClientScreen
from screens.statement import StatementScreen
from screens.widgets.confirm import ConfirmScreen
from tests.helpers import query, settle_until

NAMES = {
    "one word": "A" * 10_000,
    "words": ("Kancelaria " * 1000)[:10_000],
}
HINT = "y: yes · n / Esc: no"


def _person(db_path: Path, login: str) -> Technician:
    row = query(db_path, "SELECT * FROM technician WHERE login = ?", (login,))[0]
    return Technician(
        id=row["id"], login=login, name=row["name"], role=Role(row["role"]),
        does_onsite=bool(row["does_onsite"]), phone=row["phone"], active=True,
    )  # fmt: skip


def _rename(db_path: Path, client_id: int, name: str) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE client SET name = ? WHERE id = ?", (name, client_id))


def _rows(app: BBDispatch) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("shape", sorted(NAMES))
async def test_archive_question_keeps_its_end_and_answer_line(
    ctx_factory: Any, demo_db_path: Path, shape: str
) -> None:
    _rename(demo_db_path, 7, NAMES[shape])  # client 7 has no open jobs: archiving asks
    app = BBDispatch(ctx_factory(), _person(demo_db_path, "beata"), poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ClientScreen(7))
        await settle_until(pilot, lambda: getattr(app.screen, "overview", None) is not None)
        await pilot.press("x")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert isinstance(app.screen, ConfirmScreen)
        shown = "\n".join(_rows(app))
        assert HINT in shown, shown
        assert "contracts." in shown and "Archive " in shown and "…" in shown, shown


@pytest.mark.parametrize("shape", sorted(NAMES))
async def test_issue_question_keeps_the_amount_and_answer_line(
    ctx_factory: Any, demo_db_path: Path, shape: str
) -> None:
    _rename(demo_db_path, 2, NAMES[shape])
    app = BBDispatch(ctx_factory(), _person(demo_db_path, "bogdan"), poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(StatementScreen(2, (date(2026, 8, 1), date(2026, 8, 31))))
        await settle_until(pilot, lambda: getattr(app.screen, "statement", None) is not None)
        screen = app.screen
        assert isinstance(screen, StatementScreen) and screen.statement is not None
        net = f"net {screen.statement.net:,.2f} PLN"
        await pilot.press("f8")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert isinstance(app.screen, ConfirmScreen)
        shown = "\n".join(_rows(app))
        assert HINT in shown, shown
        assert net in shown.replace("\n", " "), (net, shown)


async def test_a_toast_naming_it_stays_a_few_lines(ctx_factory: Any, demo_db_path: Path) -> None:
    _rename(demo_db_path, 2, NAMES["words"])  # client 2 has open jobs: x names them
    app = BBDispatch(ctx_factory(), _person(demo_db_path, "beata"), poll_seconds=0.1)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await app.push_screen(ClientScreen(2))
        await settle_until(pilot, lambda: getattr(app.screen, "overview", None) is not None)
        app.clear_notifications()
        await pilot.press("x")
        await settle_until(pilot, lambda: bool(app.screen.query(Toast)))
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == 1
        assert toasts[0].region.height <= 12, toasts[0].region  # 8 lines, padding, title
        message = str(next(iter(app._notifications)).message)
        assert message.startswith("Kancelaria") or "Kancelaria" in message.splitlines()[0]
        assert "…" in message and len(message) < 400, message
    # The same bound for a toast that is one long word.
    app = BBDispatch(ctx_factory(), _person(demo_db_path, "beata"), poll_seconds=0.1)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify("No client " + NAMES["one word"] + ". Check the name.")
        await settle_until(pilot, lambda: bool(app.screen.query(Toast)))
        toast = app.screen.query_one(Toast)
        assert toast.region.height <= 12, toast.region
        assert str(next(iter(app._notifications)).message).endswith("Check the name.")
