"""F1 is per role and per language: a technician's help speaks of their work, not the desk."""

from __future__ import annotations

from typing import Any

from textual.widgets import Markdown

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Technician
from screens.help import HelpScreen
from tests.helpers import DISPATCHER, settle


async def _help_text(app: BBDispatch) -> str:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        return app.screen.query_one(Markdown).source


async def test_the_technicians_f1_in_polish(
    ctx_factory: Any, anna: Technician, polish: None
) -> None:
    text = await _help_text(BBDispatch(ctx_factory("anna"), anna, mode="technician"))
    assert "## Jak zapisuje się twój czas" in text
    assert "dyspozytor" not in text, text  # neither the desk's guide nor its F1 tooltip
    assert "przyjmowanej rozmowie" not in text  # ctrl+q: no call is taken here
    assert "uruchomiony stoper liczy dalej" in text


async def test_the_technicians_f1_in_english(ctx_factory: Any, anna: Technician) -> None:
    text = await _help_text(BBDispatch(ctx_factory("anna"), anna, mode="technician"))
    assert "## How your time is recorded" in text
    assert "How dispatch works" not in text
    assert "a call being taken" not in text
    assert "a running timer keeps running" in text


async def test_the_dispatchers_f1_keeps_the_desks_guide(ctx_factory: Any, polish: None) -> None:
    text = await _help_text(BBDispatch(ctx_factory(), DISPATCHER))
    assert "## Jak działa dyspozytornia" in text
    assert "przyjmowanej rozmowie" in text
    assert "Jak zapisuje się twój czas" not in text
