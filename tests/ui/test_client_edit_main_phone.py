"""The client edit screen makes any phone the main (first) one with ^g; labels and persons stay.

The first number could not be reordered: moving a line in the phones field
saved nothing, as the stored order never changed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import TextArea

from screens.client import ClientScreen
from screens.client_edit import ClientEditScreen
from tests.helpers import make_app, open_from, query, settle, settle_until

NOWAK = 1
"""A demo company with two numbers: +48226281234 (first), +48601234567."""


def _numbers(db_path: Path) -> list[tuple[str, str, str]]:
    return [
        (r["e164"], r["label"], r["contact_person"])
        for r in query(
            db_path, "SELECT * FROM client_phone WHERE client_id = ? ORDER BY id", (NOWAK,)
        )
    ]


async def test_ctrl_g_makes_the_line_under_the_cursor_the_main_number(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    with sqlite3.connect(demo_db_path) as conn:
        conn.execute(
            "UPDATE client_phone SET label = 'komórka', contact_person = 'Jan Nowak'"
            " WHERE e164 = '+48601234567'"
        )
    conn.close()
    before = _numbers(demo_db_path)
    assert [n[0] for n in before] == ["+48226281234", "+48601234567"]
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_from(app, pilot, ClientScreen(NOWAK), "e", ClientEditScreen)
        footer = [s.text for s in app.screen._compositor.render_strips()][-1]
        assert "^g" in footer and "Main number" in footer, footer
        phones = screen.query_one("#ce-phones", TextArea)
        phones.focus()
        phones.move_cursor((1, 3))
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert phones.text.splitlines()[0].startswith("601 234 567")
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: not isinstance(app.screen, ClientEditScreen))
    assert _numbers(demo_db_path) == [before[1], before[0]]
