"""The intake's flow is exact (issue 13): a ring never takes a form's keys, ctrl+c says plainly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screens.intake import IntakeScreen
from tests.helpers import make_app, settle


async def test_ctrl_c_in_the_intake_names_the_quit_key_without_markup(
    ctx_factory: Any, demo_db_path: Path, polish: None
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        for focused in ("#phone", "#triage"):
            app.screen.query_one(focused).focus()
            await settle(pilot)
            app.clear_notifications()
            await pilot.press("ctrl+c")
            await settle(pilot)
            shown = [n.message for n in app._notifications]
            if focused == "#triage":
                assert shown, "ctrl+c said nothing"
            for message in shown:
                assert "[b]" not in message and "[/b]" not in message, message
                assert "to quit the app" not in message, message  # in Polish
                assert "^q" in message or "ctrl+q" in message, message
