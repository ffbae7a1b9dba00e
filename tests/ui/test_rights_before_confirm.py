"""Rights are asked before a yes/no question, not after ``y`` (issue 12, the last tester).

A dispatcher pressing F8 on a statement was asked "Issue the statement…?" and
refused only after answering yes. Every question that leads to a service call
checking a right now asks the services first (``screens.base.confirm_then`` /
``confirmed``, through ``bbdispatch.services.rights.ensure``).
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from typing import Any

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Role, Technician
from screens.statement import StatementScreen
from screens.widgets.confirm import ConfirmScreen
from tests.helpers import query, settle_until

AUGUST = (date(2026, 8, 1), date(2026, 8, 31))


def _person(db_path: Path, login: str) -> Technician:
    row = query(db_path, "SELECT * FROM technician WHERE login = ?", (login,))[0]
    return Technician(
        id=row["id"], login=login, name=row["name"], role=Role(row["role"]),
        does_onsite=bool(row["does_onsite"]), phone=row["phone"], active=True,
    )  # fmt: skip


async def _press_f8(ctx_factory: Any, demo_db_path: Path, login: str) -> tuple[BBDispatch, str]:
    app = BBDispatch(ctx_factory(), _person(demo_db_path, login), poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_until(pilot, lambda: True)
        await app.push_screen(StatementScreen(2, AUGUST))
        await settle_until(pilot, lambda: getattr(app.screen, "statement", None) is not None)
        await pilot.press("f8")
        await settle_until(
            pilot, lambda: isinstance(app.screen, ConfirmScreen) or bool(app._notifications)
        )
        shown = "confirm" if isinstance(app.screen, ConfirmScreen) else "statement"
        said = " ".join(str(n.message) for n in app._notifications)
        if shown == "confirm":
            await pilot.press("n")
            await settle_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
    return app, f"{shown}: {said}"


async def test_dispatcher_hears_the_refusal_not_the_question(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    _app, seen = await _press_f8(ctx_factory, demo_db_path, "beata")
    assert seen == (
        "statement: Not allowed: your role (dispatcher) may not issue billing periods."
    ), seen
    assert query(demo_db_path, "SELECT count(*) AS n FROM statement")[0]["n"] == 0
    refusals = query(
        demo_db_path,
        "SELECT count(*) AS n FROM audit_log WHERE entity = 'rights' AND actor = 'beata'"
        " AND detail LIKE '%statement.issue%'",
    )
    assert refusals[0]["n"] == 1


async def test_admin_is_still_asked(ctx_factory: Any, demo_db_path: Path) -> None:
    _app, seen = await _press_f8(ctx_factory, demo_db_path, "bogdan")
    assert seen.startswith("confirm: "), seen


SCREENS = Path(__file__).parents[2] / "screens"
HELPERS = {"confirm_then", "confirmed"}


def _pushes_of_a_question(tree: ast.AST) -> list[int]:
    """Lines where a ConfirmScreen is pushed other than through the rights-first helpers."""
    bad: list[int] = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        questions = {
            target.id
            for node in ast.walk(func)
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "ConfirmScreen"
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(func):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in HELPERS or name not in ("push_screen", "push_screen_wait"):
                continue
            first = node.args[0]
            direct = (
                isinstance(first, ast.Call) and getattr(first.func, "id", "") == "ConfirmScreen"
            )
            if direct or (isinstance(first, ast.Name) and first.id in questions):
                bad.append(node.lineno)
    return bad


def test_every_question_goes_through_the_rights_first_helpers() -> None:
    found = {
        str(path.relative_to(SCREENS)): lines
        for path in sorted(SCREENS.rglob("*.py"))
        if path.name != "base.py"
        and (lines := _pushes_of_a_question(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert found == {}, f"push ConfirmScreen with confirm_then/confirmed (Needs): {found}"


async def test_a_key_pressed_twice_asks_once(ctx_factory: Any, demo_db_path: Path) -> None:
    """The rights are asked in a worker: a second ``x`` before the question is up asks once."""
    from screens.client import ClientScreen

    app = BBDispatch(ctx_factory(), _person(demo_db_path, "beata"), poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ClientScreen(7))  # no open jobs: archiving asks
        await settle_until(pilot, lambda: getattr(app.screen, "overview", None) is not None)
        screen = app.screen
        assert isinstance(screen, ClientScreen)
        screen.action_archive()  # a burst: both keys handled before the first question is up
        screen.action_archive()
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        questions = [s for s in app.screen_stack if isinstance(s, ConfirmScreen)]
        assert len(questions) == 1, app.screen_stack
