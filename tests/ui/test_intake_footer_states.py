"""The intake's footer fits 80 columns in every state: whichever field has focus, after a
failed save, with a known caller or a new one (a failed ctrl+s used to add ``c Umowa`` and
push ``f1 Pomoc`` and the palette off the screen)."""

from __future__ import annotations

from typing import Any

import pytest

from bbdispatch.app import BBDispatch
from bbdispatch.i18n import choose_language
from tests.helpers import DISPATCHER, settle, type_text
from tests.ui.test_polish_fit import WIDTH, _footer_overflow

STATES = {
    "failed save, known caller": ("f2", *"601234567"),
    "failed save, new caller": ("f2", *"500600700", "enter"),
}


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("state", list(STATES))
async def test_the_intake_footer_fits_with_focus_anywhere(
    ctx_factory: Any, language: str, state: str
) -> None:
    choose_language(language)
    try:
        app = BBDispatch(ctx_factory(), DISPATCHER)
        async with app.run_test(size=(WIDTH, 24)) as pilot:
            await settle(pilot)
            await pilot.press(*STATES[state])
            await settle(pilot)
            await type_text(pilot, "drukarka")
            await pilot.press("ctrl+s")  # no mode, no category: refused, focus moves
            await settle(pilot)
            problems = []
            fields = [w for w in app.screen.query("*") if w.focusable]
            for field in fields:
                field.focus()
                await settle(pilot)
                problem = _footer_overflow(app, palette=True)
                if problem:
                    problems.append(f"{field!r}: {problem}")
    finally:
        choose_language("en")
    assert len(fields) > 3
    assert not problems, "\n".join(problems)
