"""A private person is offered no contract and signs none: prices are agreed on each job.

The offer's contracts (the 10 h starter among them) are for companies; a
private person's work is priced individually. The intake advised "offer the
starter contract" for a private caller, and the sign dialog and service
accepted it. The price list says who may have each product (``clients``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.errors import FieldError
from bbdispatch.domain.intake import offered_product, suggest_contract
from bbdispatch.domain.jobs import Category
from bbdispatch.pricelist import PriceList, PriceListError, load_pricelist
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import SignRequest, sign_contract
from screens.intake import IntakeScreen
from screens.sign_contract import SignContractScreen
from tests.helpers import make_app, query, settle, settle_until, type_text
from tests.unit.test_cli_office import cli, new_private
from tests.unit.test_cli_office import db as db  # the command tests' fixture

ZIELINSKA = 11
"""A demo private person, number 515 303 404."""


def test_the_price_list_says_contracts_are_for_companies(prices: PriceList) -> None:
    kinds = {p.code: p.clients for p in prices.products}
    for code in ("service-50h", "starter-10h", "network-1h", "it-admin"):
        assert kinds[code] == ("company",)
        assert not prices.product(code).for_kind("private")
    assert offered_product(prices.products, None) is None


def test_a_bad_kind_in_the_price_list_is_refused(tmp_path: Path) -> None:
    from bbdispatch.paths import reference_data_dir

    text = (reference_data_dir() / "pricelist.toml").read_text(encoding="utf-8")
    bad = tmp_path / "pricelist.toml"
    bad.write_text(text.replace('clients = ["private"]', 'clients = ["persons"]'))
    with pytest.raises(PriceListError, match="clients"):
        load_pricelist(bad)


def test_the_advice_for_a_private_person_offers_no_starter() -> None:
    suggestion = suggest_contract(
        [], Category.SOFTWARE, ClientKind.PRIVATE, date(2026, 11, 24), has_assessment=False
    )
    assert suggestion.offer is None
    assert "starter" not in suggestion.hint
    assert "agree a price or rate" in suggestion.hint


async def test_the_service_refuses_a_starter_for_a_private_person(demo_ctx: Ctx) -> None:
    with pytest.raises(FieldError, match="not offered to private persons") as refused:
        await sign_contract(demo_ctx, SignRequest(ZIELINSKA, "starter-10h", date(2026, 11, 24)))
    assert refused.value.field == "product"
    assert "Starter contract 10 h" in str(refused.value)  # the name in the session's language
    row = await demo_ctx.db.fetch_one(
        "SELECT count(*) AS n FROM contract WHERE client_id = ?", (ZIELINSKA,)
    )
    assert row is not None and row["n"] == 0


def test_contracts_sign_refuses_it_naming_the_product(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = new_private(db, capsys)
    err = cli(db, capsys, "contracts", "sign", "--client", str(client_id), "--product",
              "starter-10h", code=2)  # fmt: skip
    assert err.startswith("bbdispatch: --product: ") and err.count("\n") == 1
    assert "private persons" in err


async def test_intake_gives_a_private_caller_no_starter_and_no_sign_form(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"515303404", "enter")
        await settle_until(pilot, lambda: isinstance(app.screen, IntakeScreen))
        hint = app.screen.query_one("#hint", Static)
        await type_text(pilot, "Laptop")
        await settle_until(pilot, lambda: "agree a price" in str(hint.render()))
        shown = str(hint.render())
        assert "starter" not in shown and "^t" not in shown, shown
        await pilot.press("ctrl+t")
        await settle_until(pilot, lambda: bool(app._notifications))
        assert not isinstance(app.screen, SignContractScreen)
        messages = [str(n.message) for n in app._notifications]
        assert any("signs no contract" in m for m in messages), messages
    assert query(demo_db_path, "SELECT id FROM contract WHERE client_id = ?", (ZIELINSKA,)) == []


async def test_the_client_page_offers_no_contract_key_for_a_private_person(
    ctx_factory: Any,
) -> None:
    from screens.client import ClientScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for client_id, offered in ((ZIELINSKA, False), (1, True)):
            app.push_screen(ClientScreen(client_id))
            await settle_until(
                pilot,
                lambda: isinstance(app.screen, ClientScreen) and app.screen.overview is not None,
            )
            footer = [s.text for s in app.screen._compositor.render_strips()][-1]
            assert ("k Contract" in footer) is offered, footer
            app.pop_screen()
            await settle(pilot)


async def test_a_new_private_caller_is_not_saved_by_ctrl_t(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """^t saved a new caller as a prospect first, then had nothing to sign for them."""
    from textual.widgets import Input

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"500600711", "enter")
        await settle_until(pilot, lambda: isinstance(app.screen, IntakeScreen))
        app.screen.query_one("#nc-kind").focus()
        await pilot.press("p")
        app.screen.query_one("#nc-name", Input).focus()
        await type_text(pilot, "Zofia Lis")
        await pilot.press("ctrl+t")
        await settle_until(pilot, lambda: bool(app._notifications))
        assert isinstance(app.screen, IntakeScreen)
        messages = [str(n.message) for n in app._notifications]
        assert any("signs no contract" in m for m in messages), messages
    assert query(demo_db_path, "SELECT id FROM client WHERE name = 'Zofia Lis'") == []
