"""The signing form keeps the office's rules the command line keeps (they live in the service)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Checkbox, Input, Select, Static

from screens.sign_contract import SignContractScreen
from tests.helpers import make_app, query, settle

BILANS = 2
"""The demo's accounting office, which signed its starter contract 120 days ago."""
KOWALCZYK = 4
"""A demo client with service contracts and no starter."""


def contracts(db: Path, client_id: int) -> int:
    return int(query(db, "SELECT count(*) FROM contract WHERE client_id = ?", (client_id,))[0][0])


async def test_a_second_starter_is_not_offered_in_the_form(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.client import ClientScreen

    before = contracts(demo_db_path, BILANS)
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClientScreen(BILANS))
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignContractScreen)
        select = app.screen.query_one("#product", Select)
        codes = [value for _label, value in select._options]
        assert "starter-10h" not in codes and "service-50h" in codes
        assert select.value != "starter-10h"
        # Asked for by hand, the starter is not what the form signs either.
        await app.screen.dismiss(None)
        await app.push_screen(SignContractScreen(BILANS, "starter-10h"))
        await settle(pilot)
        select = app.screen.query_one("#product", Select)
        assert "starter-10h" not in [value for _label, value in select._options]
        assert select.value != "starter-10h"
    assert contracts(demo_db_path, BILANS) == before


async def test_a_start_years_away_is_refused_in_the_form(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    before = contracts(demo_db_path, KOWALCZYK)
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(SignContractScreen(KOWALCZYK, "starter-10h"))
        await settle(pilot)
        app.screen.query_one("#starts-on", Input).value = "01.01.2020"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SignContractScreen)
        assert "a year" in str(app.screen.query_one("#sign-error", Static).render())
    assert contracts(demo_db_path, KOWALCZYK) == before


async def test_individual_work_is_not_offered_and_a_leftover_fee_is_not_sent(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(SignContractScreen(KOWALCZYK, "it-admin"))
        await settle(pilot)
        select = app.screen.query_one("#product", Select)
        codes = [value for _label, value in select._options]
        assert "individual" not in codes and "it-admin" in codes
        app.screen.query_one("#agreed-net", Input).value = "900"
        select.value = "starter-10h"  # the fee typed for IT administration stays behind
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SignContractScreen)
    found = query(demo_db_path, "SELECT product_code, net_grosze FROM contract"
                  " WHERE client_id = ? ORDER BY id DESC LIMIT 1", (KOWALCZYK,))  # fmt: skip
    assert (found[0]["product_code"], found[0]["net_grosze"]) == ("starter-10h", 60000)


WISNIEWSKI = 9
"""A demo company prospect with no contract and no needs assessment (322 554 040)."""


async def test_the_intakes_advice_opens_the_form_on_the_starter(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"322554040")
        await settle(pilot)
        await settle(pilot)
        assert "offer the starter contract" in str(app.screen.query_one("#hint", Static).render())
        await pilot.press("ctrl+t")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignContractScreen)
        assert app.screen.query_one("#product", Select).value == "starter-10h"


async def test_an_archived_client_gets_no_signing_form(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from screens.client import ClientScreen

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from bbdispatch.services.clients import archive_client

        await archive_client(app.ctx, WISNIEWSKI)
        await app.push_screen(ClientScreen(WISNIEWSKI))
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        shown = [str(n.message) for n in app._notifications]
        assert any("is archived; reactivate the client first" in m for m in shown), shown
    assert contracts(demo_db_path, WISNIEWSKI) == 0


ZDROWIE = 3
"""The demo's IT administration client (BB/2026/003, open-ended)."""


async def test_a_second_it_administration_is_refused_in_the_form(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    before = contracts(demo_db_path, ZDROWIE)
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(SignContractScreen(ZDROWIE, "it-admin"))
        await settle(pilot)
        app.screen.query_one("#agreed-net", Input).value = "500"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SignContractScreen)
        error = str(app.screen.query_one("#sign-error", Static).render())
        assert "BB/2026/003" in error and "twice" in error
    assert contracts(demo_db_path, ZDROWIE) == before


LINGWA = 6
"""A demo prospect with 2.25 h of uncovered work on 20.11.2026 and no contract."""


def charges_on(db: Path, contract_id: int) -> int:
    rows = query(db, "SELECT coalesce(sum(minutes), 0) FROM charge WHERE contract_id = ?",
                 (contract_id,))  # fmt: skip
    return int(rows[0][0])


async def test_move_is_offered_only_for_uncovered_time_within_the_dates(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """Starting today the starter can take nothing (the work was on 20.11): no tick, signs."""
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(SignContractScreen(LINGWA, "starter-10h"))
        await settle(pilot)
        screen = app.screen
        move = screen.query_one("#move", Checkbox)
        assert not move.display  # starts today (24.11): the work of 20.11 is outside
        screen.query_one("#starts-on", Input).value = "01.11.2026"
        await settle(pilot)
        assert move.display and move.value
        assert "2.25 h" in str(move.label)
        screen.query_one("#ends-on", Input).value = "10.11.2026"
        await settle(pilot)
        assert not move.display  # ends before the work was done
        screen.query_one("#ends-on", Input).value = ""
        screen.query_one("#starts-on", Input).value = "24.11.2026"
        await settle(pilot)
        assert not move.display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SignContractScreen)
    assert contracts(demo_db_path, LINGWA) == 1


async def test_signing_with_the_move_says_what_moved(ctx_factory: Any, demo_db_path: Path) -> None:
    app = make_app(ctx_factory)
    signed: list[int | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(SignContractScreen(LINGWA, "starter-10h"), signed.append)
        await settle(pilot)
        app.screen.query_one("#starts-on", Input).value = "01.11.2026"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = [n.message for n in app._notifications]
    assert signed and signed[0] is not None
    assert charges_on(demo_db_path, signed[0]) == 135
    assert any("Moved 2.25 h of uncovered time onto it." in m for m in said)
