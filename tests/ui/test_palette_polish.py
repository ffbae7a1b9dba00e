"""The command palette speaks the session's language, down to "No matches found"."""

from __future__ import annotations

from typing import Any

from textual.command import CommandList, CommandPalette

from bbdispatch.app import BBDispatch
from screens.palette import Palette
from tests.helpers import DISPATCHER, settle, type_text


def test_textual_still_has_the_method_the_palette_replaces() -> None:
    """A Textual upgrade that renames it would bring the English text back unnoticed."""
    assert "_start_no_matches_countdown" in vars(CommandPalette)
    assert "_start_no_matches_countdown" in vars(Palette)


async def test_no_matches_is_said_in_polish(ctx_factory: Any, polish: None) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "qqxqzz")
        await pilot.pause(1.0)
        await settle(pilot)
        shown = app.screen.query_one(CommandList)
        texts = [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]
        assert len(texts) == 1
        assert "Nic nie znaleziono" in texts[0]
        assert "No matches" not in texts[0]
