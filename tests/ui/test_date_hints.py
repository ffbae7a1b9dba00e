"""Labels and examples of date fields follow the session's date form (24/11 in English)."""

from __future__ import annotations

from typing import Any

from bbdispatch.formats import date_hint
from bbdispatch.i18n import set_language
from screens.assign import AssignScreen
from screens.widgets.hints import when_hint
from tests.helpers import make_app, settle


async def test_the_assign_dialogs_label_is_written_as_english_dates_are(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(AssignScreen(13))
        await settle(pilot)
        label = str(app.screen.query_one("#visit-label").render())
        assert label == "Visit (DD/MM/YYYY HH:MM):"


def test_hints_in_each_language() -> None:
    try:
        set_language("pl")
        assert date_hint() == "DD.MM.RRRR"
        assert when_hint() == "kiedy: 14:30 lub 25.11 9:00"
    finally:
        set_language("en")
    assert date_hint() == "DD/MM/YYYY"
    assert when_hint() == "when: 14:30 or 25/11 9:00"
