"""Numbers in Polish outside the TUI's tables: amounts and hours go through bbdispatch.formats."""

from __future__ import annotations

import pytest

from bbdispatch.i18n import current_language, set_language
from bbdispatch.services.client_view import client_overview
from bbdispatch.services.context import Ctx
from tests.unit.test_cli_office import cli, cli_json, yesterday
from tests.unit.test_cli_office import db as db  # noqa: F401 (the office database fixture)


def test_contracts_sign_in_polish_shows_polish_amounts(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    company = cli_json(db, capsys, "clients", "add", "--kind", "company", "--name", "Lis",
                       "--nip", "526-000-12-46")["id"]  # fmt: skip
    out = cli(db, capsys, "--lang", "pl", "contracts", "sign", "--client", str(company),
              "--product", "starter-10h", "--starts", yesterday(0)[:10])  # fmt: skip
    assert "netto 600,00\xa0zł, VAT 138,00\xa0zł, brutto 738,00\xa0zł" in out.replace(
        " zł", "\xa0zł"
    )


async def test_the_client_card_shows_uncovered_hours_with_a_comma(demo_ctx: Ctx) -> None:
    from screens.client import overview_content

    # Lingwa (a prospect) has work and no contract: all of it uncovered.
    o = await client_overview(demo_ctx, 6)
    assert o.uncovered_minutes % 60, "the demo's uncovered time is not whole hours"
    before = current_language()
    try:
        set_language("pl")
        text = overview_content(o, 80).plain
    finally:
        set_language(before)
    line = next(x for x in text.splitlines() if "Czas bez pokrycia" in x)
    assert "," in line and "." not in line, line
