"""The palette finds a client by every word in any order, and by a NIP or phone as people type them.

"nowak kancelaria" found nothing while "kancelaria nowak" found the client:
the palette searched the text as one substring, not word by word like the
intake's search and ``clients --search``. A NIP as ``PL5260250274`` and a
phone as ``0048 …`` found nothing anywhere.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandList

from bbdispatch.app import BBDispatch
from bbdispatch.domain.clients import search_as_typed_number
from bbdispatch.services.clients import search_clients
from bbdispatch.services.context import Ctx
from tests.helpers import DISPATCHER, settle, settle_until, type_text

NOWAK = "Kancelaria Notarialna Nowak i Wspólnicy"


def _options(app: BBDispatch) -> list[str]:
    shown = app.screen.query_one(CommandList)
    return [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]


@pytest.mark.parametrize("text", ["kancelaria nowak", "nowak kancelaria", "WSPOLNICY notarialna"])
async def test_palette_finds_a_client_by_words_in_any_order(ctx_factory: Any, text: str) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, text)
        await settle_until(pilot, lambda: any(NOWAK in o for o in _options(app)))
        assert any(NOWAK in o for o in _options(app)), _options(app)


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("PL5260250274", "5260250274"),
        ("pl 526-025-02-74", "5260250274"),
        ("0048 601 234 567", "+48 601 234 567"),
        ("0048601234567", "+48601234567"),
        ("Nowak", "Nowak"),
        ("Plac 12", "Plac 12"),
        ("0601", "0601"),
    ],
)
def test_a_nip_or_phone_as_typed_is_searched_as_stored(typed: str, searched: str) -> None:
    assert search_as_typed_number(typed) == searched


async def test_the_search_service_finds_pl_nip_and_00_phone(demo_ctx: Ctx) -> None:
    nip = await demo_ctx.db.fetch_one("SELECT nip FROM client WHERE id = 1", ())
    assert nip is not None
    for text in (f"PL{nip['nip']}", "0048 601 234 567", "0048226281234", "+48 22 628 12 34"):
        found = await search_clients(demo_ctx, text)
        assert [c.name for c in found] == [NOWAK], text


async def test_the_palette_jumps_nowhere_over_a_question(ctx_factory: Any) -> None:
    """Over 'Close this call without a job?', ctrl+p opened a client's page on top of it."""
    from screens.widgets.confirm import ConfirmScreen

    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ConfirmScreen("Close this call without a job?"))
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "kancelaria nowak")
        await settle(pilot)
        options = _options(app)
    assert not any(NOWAK in o for o in options), options
