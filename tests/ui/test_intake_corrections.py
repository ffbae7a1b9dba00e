"""A number corrected in the intake behaves as one typed straight (issue 13, G).

The tester typed ``6012345608`` (one digit too many), BSpace twice and ``7``:
the field held the known ``601 234 567`` but the focus stayed, the request
went into the number field, and closing logged the call with no number and
no request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from screens.intake import IntakeScreen
from tests.helpers import intake_after, last_call, press_settled, settle


async def test_a_corrected_number_moves_on_to_the_request(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    typed = (*"6012345608", "backspace", "backspace", "7")
    async with intake_after(ctx_factory, *typed) as (app, pilot, intake):
        await press_settled(pilot, *"Tekst trzy")
        assert intake.query_one("#phone", Input).value == "601 234 567"
        assert intake.query_one("#description", Input).value == "Tekst trzy"


async def test_a_number_shortened_and_completed_again_is_looked_up_again(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """The same number back after an edit made it incomplete moves on, as typed afresh."""
    async with intake_after(ctx_factory, *"601234567") as (app, pilot, intake):
        intake.query_one("#phone", Input).focus()
        await settle(pilot)
        await press_settled(pilot, "backspace", "7")
        await press_settled(pilot, *"abc")
        assert intake.query_one("#phone", Input).value == "601 234 567"
        assert intake.query_one("#description", Input).value == "abc"


async def test_a_call_closed_without_a_job_keeps_what_the_fields_hold(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """Whatever the number field holds, parseable or not, is kept on the call as typed."""
    async with intake_after(ctx_factory) as (app, pilot, intake):
        intake.query_one("#phone", Input).value = "601 234 56 Tekst"
        intake.query_one("#description", Input).value = "drukarka"
        await settle(pilot)
        await press_settled(pilot, "escape")
        await press_settled(pilot, "y")
        assert not isinstance(app.screen, IntakeScreen)
    call = last_call(demo_db_path)
    assert call["raw_number"] == "601 234 56 Tekst"
    assert "drukarka" in call["note"]


async def test_a_number_corrected_after_its_draft_was_written_is_the_one_logged(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """The draft wrote ``601 234 560``; the dispatcher corrected it: closing logs the correction."""
    async with intake_after(ctx_factory, *"601234560") as (app, pilot, intake):
        intake.write_draft()  # what a pause in typing does
        await settle(pilot)
        assert last_call(demo_db_path)["raw_number"] == "601 234 560"
        await press_settled(pilot, "backspace", "7")
        await press_settled(pilot, *"drukarka", "escape")
        await press_settled(pilot, "y")
        assert not isinstance(app.screen, IntakeScreen)
    call = last_call(demo_db_path)
    assert (call["raw_number"], call["e164"]) == ("601 234 567", "+48601234567")
    assert "drukarka" in call["note"]


async def test_a_name_searched_in_the_number_field_is_no_number_of_the_saved_call(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """A draft written while a name stood in Phone keeps no number; the saved call has none."""
    async with intake_after(ctx_factory, *"Kancelaria") as (app, pilot, intake):
        intake.write_draft()  # what a pause in typing does
        await settle(pilot)
        await press_settled(pilot, "enter")  # a name in Phone: searched
        await press_settled(pilot, "enter")  # the first found
        await press_settled(pilot, *"drukarka", "enter", "r", "1", "ctrl+s")
        assert not isinstance(app.screen, IntakeScreen)
    call = last_call(demo_db_path)
    assert call["job_id"] is not None
    assert call["raw_number"] in ("", None)
