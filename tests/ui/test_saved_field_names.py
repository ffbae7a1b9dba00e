"""A saved form names the fields that changed in words, not by their codes (``contact_person``)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from bbdispatch.services.clients import get_client
from screens.client_edit import ClientEditScreen
from tests.helpers import make_app, settle


async def test_saving_a_client_names_the_contact_person_in_words(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClientEditScreen(await get_client(app.ctx, 1)))
        await settle(pilot)
        app.screen.query_one("#ce-contact_person", Input).value = "Halina Nowak-Kot"
        app.screen.query_one("#ce-email", Input).value = "biuro@kancelaria.example"
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = [str(n.message) for n in app._notifications]
        assert "Saved: contact person, e-mail." in shown, shown
        assert not any("contact_person" in m for m in shown)


async def test_a_stray_letter_in_a_phone_is_refused_at_the_field_and_kept(
    ctx_factory: Any, demo_db_path: Any
) -> None:
    from textual.widgets import TextArea

    from tests.helpers import query

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClientEditScreen(await get_client(app.ctx, 1)))
        await settle(pilot)
        phones = app.screen.query_one("#ce-phones", TextArea)
        phones.text = "600 700 800a, biuro"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        error = str(app.screen.query_one("#ce-phones-error").render())
        assert "600 700 800a" in error and "no letters" in error
        assert phones.text == "600 700 800a, biuro"
    stored = query(demo_db_path, "SELECT e164 FROM client_phone WHERE client_id = 1")
    assert "+48600700800" not in [r["e164"] for r in stored]
