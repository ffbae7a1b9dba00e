"""Issue 14: the sign and assessment dialogs refuse as the service does, at the field.

A needs assessment without agreed rules is refused next to the rules field; a
monthly fee over the cap is refused in the sign dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Select, Static

from screens.assessment import AssessmentScreen
from screens.sign_contract import SignContractScreen
from tests.helpers import make_app, query, settle, settle_until

BILANS = 2
"""A demo company with a starter and no needs assessment."""


def _shown(app: Any, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


async def test_the_assessment_dialog_refuses_empty_rules_at_the_rules_field(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AssessmentScreen(BILANS))
        await settle_until(pilot, lambda: isinstance(app.screen, AssessmentScreen))
        app.screen.query_one("#needs", Input).focus()
        await pilot.press(*"Program FK", "ctrl+s")
        await settle_until(pilot, lambda: bool(_shown(app, "#rules-error")))
        assert isinstance(app.screen, AssessmentScreen)
        assert "agreed rules" in _shown(app, "#rules-error")
        assert app.screen.query_one("#needs", Input).value == "Program FK"
        assert app.focused is app.screen.query_one("#rules", Input)
        assert (
            query(demo_db_path, "SELECT COUNT(*) AS n FROM needs_assessment WHERE client_id = 2")[
                0
            ]["n"]
            == 0
        )
        await pilot.press(*"Telefonicznie", "ctrl+s")
        await settle_until(pilot, lambda: not isinstance(app.screen, AssessmentScreen))
    saved = query(demo_db_path, "SELECT needs, rules FROM needs_assessment WHERE client_id = 2")
    assert [(r["needs"], r["rules"]) for r in saved] == [("Program FK", "Telefonicznie")]


async def test_the_sign_dialog_refuses_an_assessment_without_rules_at_the_rules_field(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(SignContractScreen(BILANS, "service-50h"))
        await settle_until(
            pilot,
            lambda: (
                isinstance(app.screen, SignContractScreen)
                and bool(app.screen.query_one("#needs", Input).display)
            ),
        )
        assert app.screen.query_one("#product", Select).value == "service-50h"
        app.screen.query_one("#needs", Input).focus()
        await pilot.press(*"Program FK", "ctrl+s")
        await settle_until(pilot, lambda: bool(_shown(app, "#rules-error")))
        assert isinstance(app.screen, SignContractScreen)
        assert "agreed rules" in _shown(app, "#rules-error")
        assert app.screen.query_one("#needs", Input).value == "Program FK"
        assert app.focused is app.screen.query_one("#rules", Input)
        contracts = query(demo_db_path, "SELECT COUNT(*) AS n FROM contract WHERE client_id = 2")
        assert contracts[0]["n"] == 1  # the starter only
        await pilot.press(*"Telefonicznie", "ctrl+s")
        await settle_until(pilot, lambda: not isinstance(app.screen, SignContractScreen))
    saved = query(demo_db_path, "SELECT needs, rules FROM needs_assessment WHERE client_id = 2")
    assert [(r["needs"], r["rules"]) for r in saved] == [("Program FK", "Telefonicznie")]


async def test_the_sign_dialog_refuses_a_monthly_fee_over_the_cap(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """Issue 14: one cap for a monthly fee, the dialog's as the command line's."""
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(SignContractScreen(BILANS, "it-admin"))
        await settle_until(
            pilot,
            lambda: (
                isinstance(app.screen, SignContractScreen)
                and bool(app.screen.query_one("#agreed-net", Input).display)
            ),
        )
        app.screen.query_one("#agreed-net", Input).focus()
        await pilot.press(*"1000000", "ctrl+s")
        await settle_until(pilot, lambda: "monthly fee" in _shown(app, "#sign-error"))
        assert isinstance(app.screen, SignContractScreen)
        assert app.screen.query_one("#agreed-net", Input).value == "1000000"
    contracts = query(demo_db_path, "SELECT COUNT(*) AS n FROM contract WHERE client_id = 2")
    assert contracts[0]["n"] == 1  # the starter only
