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
from tests.helpers import dispatcher_after, query, settle


async def test_a_corrected_number_moves_on_to_the_request(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        await pilot.press(*"6012345608", "backspace", "backspace", "7")
        await settle(pilot)
        await pilot.press(*"Tekst trzy")
        await settle(pilot)
        assert intake.query_one("#phone", Input).value == "601 234 567"
        assert intake.query_one("#description", Input).value == "Tekst trzy"


async def test_a_number_shortened_and_completed_again_is_looked_up_again(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """The same number back after an edit made it incomplete moves on, as typed afresh."""
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        await pilot.press(*"601234567")
        await settle(pilot)
        intake.query_one("#phone", Input).focus()
        await settle(pilot)
        await pilot.press("backspace", "7")
        await settle(pilot)
        await pilot.press(*"abc")
        await settle(pilot)
        assert intake.query_one("#phone", Input).value == "601 234 567"
        assert intake.query_one("#description", Input).value == "abc"


async def test_a_call_closed_without_a_job_keeps_what_the_fields_hold(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """Whatever the number field holds, parseable or not, is kept on the call as typed."""
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        intake.query_one("#phone", Input).value = "601 234 56 Tekst"
        intake.query_one("#description", Input).value = "drukarka"
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, IntakeScreen)
    rows = query(demo_db_path, "SELECT raw_number, note FROM call_log ORDER BY id DESC LIMIT 1")
    assert rows[0]["raw_number"] == "601 234 56 Tekst"
    assert "drukarka" in rows[0]["note"]


async def test_a_number_corrected_after_its_draft_was_written_is_the_one_logged(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """The draft wrote ``601 234 560``; the dispatcher corrected it: closing logs the correction."""
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        await pilot.press(*"601234560")
        await settle(pilot)
        intake.write_draft()  # what a pause in typing does
        await settle(pilot)
        assert (
            query(demo_db_path, "SELECT raw_number FROM call_log ORDER BY id DESC LIMIT 1")[0][0]
            == "601 234 560"
        )
        await pilot.press("backspace", "7")
        await settle(pilot)
        await pilot.press(*"drukarka", "escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, IntakeScreen)
    rows = query(
        demo_db_path, "SELECT raw_number, e164, note FROM call_log ORDER BY id DESC LIMIT 1"
    )
    assert (rows[0]["raw_number"], rows[0]["e164"]) == ("601 234 567", "+48601234567")
    assert "drukarka" in rows[0]["note"]


async def test_a_name_searched_in_the_number_field_is_no_number_of_the_saved_call(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """A draft written while a name stood in Phone keeps no number; the saved call has none."""
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        await pilot.press(*"Kancelaria")
        await settle(pilot)
        intake.write_draft()  # what a pause in typing does
        await settle(pilot)
        await pilot.press("enter")  # a name in Phone: searched
        await settle(pilot)
        await pilot.press("enter")  # the first found
        await settle(pilot)
        await pilot.press(*"drukarka", "enter", "r", "1", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, IntakeScreen)
    rows = query(demo_db_path, "SELECT raw_number, job_id FROM call_log ORDER BY id DESC LIMIT 1")
    assert rows[0]["job_id"] is not None
    assert rows[0]["raw_number"] in ("", None)
