"""Keys typed on after Esc in the intake never answer its question or vanish (issue 13, H).

The tester's burst ``Escape F2 601234567Tekst X`` on an intake with a number:
the ``t`` of ``Tekst`` answered "Close this call without a job?" yes (``t`` is
Polish "tak"), and every other key went into the question and was dropped
without a word. A question now takes an answer typed ahead only as the first
key after the one that asked; a burst that began otherwise is not taken, and
the question says which keys it did not take.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from screens.intake import IntakeScreen
from screens.widgets.confirm import ConfirmScreen
from tests.helpers import burst, intake_after, last_call, press_settled, settle


async def test_a_burst_after_esc_answers_nothing_and_says_what_it_did_not_take(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    async with intake_after(ctx_factory, *"601234567") as (app, pilot, intake):
        assert intake.query_one("#description", Input).has_focus
        burst(app, "escape", "f2", *"601234567Tekst X")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # not answered by the "t" of "Tekst"
        shown = str(app.screen.query_one("#confirm-refused").render())
        assert "F2 601234567Tekst X" in shown
        assert last_call(demo_db_path)["outcome"] == "pending"
        await press_settled(pilot, "n")
        assert app.screen is intake
        assert intake.query_one("#phone", Input).value == "601 234 567"


async def test_an_answer_typed_right_after_esc_still_answers(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    async with intake_after(ctx_factory, *"601234567") as (app, pilot, intake):
        burst(app, "escape", "y")
        await settle(pilot)
        assert not any(isinstance(s, IntakeScreen) for s in app.screen_stack)
        assert last_call(demo_db_path)["outcome"] == "information"


async def test_a_stray_key_on_the_question_is_refused_visibly_and_the_answer_still_works(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    async with intake_after(ctx_factory, *"601234567") as (app, pilot, intake):
        await press_settled(pilot, "escape")
        await press_settled(pilot, "x")
        assert isinstance(app.screen, ConfirmScreen)
        assert "x" in str(app.screen.query_one("#confirm-refused").render())
        await press_settled(pilot, "y")
        assert not any(isinstance(s, IntakeScreen) for s in app.screen_stack)
        assert last_call(demo_db_path)["outcome"] == "information"
