"""The client page's contract lines: one status each, the monthly fee, notes indented under it."""

from __future__ import annotations

from typing import Any

from bbdispatch.services.ledger import close_contract
from screens.client import ClientScreen
from tests.helpers import make_app, settle

PRZYCHODNIA = 3
"""The demo client with IT administration (BB/2026/003) and hourly network service (BB/2026/004)."""
KOWALCZYK = 4
"""The demo client with a used-up block and an active one (forecast)."""


async def page_of(app: Any, pilot: Any, client_id: int) -> list[str]:
    await app.push_screen(ClientScreen(client_id))
    await settle(pilot)
    text = str(app.screen.query_one("#client-page").render())
    app.pop_screen()
    await settle(pilot)
    return text.splitlines()


async def test_contract_lines_on_the_client_page(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await close_contract(app.ctx, 4, "Klient zrezygnował")  # BB/2026/004, network
        lines = await page_of(app, pilot, PRZYCHODNIA)
        admin = next(i for i, ln in enumerate(lines) if "BB/2026/003" in ln)
        assert lines[admin].startswith("  BB/2026/003 IT administration contract:")
        assert lines[admin + 1].startswith("    Monthly fee 1,800.00")
        closed = next(ln for ln in lines if "BB/2026/004" in ln)
        assert closed.count("closed") == 1, closed
        lines = await page_of(app, pilot, KOWALCZYK)
        active = next(i for i, ln in enumerate(lines) if "BB/2026/005" in ln)
        assert "runs out" not in lines[active]
        assert lines[active + 1].startswith("    At the pace of 90 days runs out ")


async def test_a_new_client_page_says_none_under_every_empty_heading(ctx_factory: Any) -> None:
    """Empty 'Recent jobs' and 'Calls' showed nothing, where other sections say 'None.'."""
    from bbdispatch.domain.client_details import NewClient
    from bbdispatch.domain.clients import ClientKind
    from bbdispatch.services.clients import create_client

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        new = await create_client(app.ctx, NewClient(ClientKind.COMPANY, "Biuro Linia"))
        lines = await page_of(app, pilot, new)
    for heading in ("Open jobs", "Recent jobs", "Calls", "Notes"):
        at = next(i for i, ln in enumerate(lines) if ln.strip() == heading)
        assert lines[at + 1].strip() == "None.", lines[at : at + 2]
