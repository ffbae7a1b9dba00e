"""Client forms: saved fields named in words, a stray letter in a phone refused, a company's contact."""

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


async def test_a_new_companys_contact_person_is_not_the_companys_name(
    ctx_factory: Any, demo_db_path: Any
) -> None:
    from screens.sign_contract import SignContractScreen
    from screens.widgets.client_form import NewClientForm
    from tests.helpers import query, type_text

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"500600722", "enter")
        await settle(pilot)
        assert app.screen.query_one(NewClientForm).display  # a company by default
        await type_text(pilot, "Biuro Lis sp. z o.o.")
        await pilot.press("ctrl+t")  # offers signing; the prospect is saved with the contract
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignContractScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
    rows = query(demo_db_path, "SELECT kind, contact_person FROM client WHERE name = ?",
                 ("Biuro Lis sp. z o.o.",))  # fmt: skip
    assert [(r["kind"], r["contact_person"]) for r in rows] == [("company", "")]


async def test_a_nip_on_a_private_client_is_an_error_at_the_field_never_dropped(
    ctx_factory: Any, demo_db_path: Any
) -> None:
    """A bad NIP on a private person was dropped without a word; a good one too."""
    from tests.helpers import query

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClientEditScreen(await get_client(app.ctx, 10)))  # Jan Kowalski
        await settle(pilot)
        nip = app.screen.query_one("#ce-nip", Input)
        nip.value = "123"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        assert "Invalid NIP" in str(app.screen.query_one("#ce-nip-error").render())
        assert nip.value == "123"
        nip.value = "584-261-74-13"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        error = str(app.screen.query_one("#ce-nip-error").render())
        assert "A private person has no NIP" in error
        assert nip.value == "584-261-74-13"
    assert query(demo_db_path, "SELECT nip FROM client WHERE id = 10")[0]["nip"] is None


async def test_making_a_company_private_keeps_its_nip_until_cleared(
    ctx_factory: Any, demo_db_path: Any
) -> None:
    from tests.helpers import query

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClientEditScreen(await get_client(app.ctx, 6)))  # Lingwa
        await settle(pilot)
        from bbdispatch.domain.clients import ClientKind
        from screens.widgets.client_form import KindToggle

        app.screen.query_one(KindToggle).kind = ClientKind.PRIVATE
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        assert "A private person has no NIP" in str(app.screen.query_one("#ce-nip-error").render())
    assert (
        query(demo_db_path, "SELECT nip, kind FROM client WHERE id = 6")[0]["nip"] == "5842617413"
    )


async def test_a_client_edit_error_takes_only_the_lines_of_its_message(
    ctx_factory: Any, demo_db_path: Any
) -> None:
    """A one-line error opened about six rows at 80x24, most of them blank."""
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClientEditScreen(await get_client(app.ctx, 1)))
        await settle(pilot)
        email = app.screen.query_one("#ce-email", Input)
        below = app.screen.query_one("#ce-contact_person", Input)
        rows_before = below.region.y - email.region.y
        email.value = "biuro(at)lis.pl"
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = app.screen.query_one("#ce-email-error")
        assert "Not an e-mail address" in str(error.render())
        assert error.region.height == 1  # the message fits one line at 80 columns
        assert error.region.y == email.region.y + 1
        assert below.region.y - email.region.y == rows_before + 1
        assert email.value == "biuro(at)lis.pl"
