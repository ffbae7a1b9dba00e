"""Cards with 10 000-character values at 80x24: every field stays reachable, controls show.

A fresh tester found the intake's caller card hiding its last lines (a client
with many jobs and long texts; the card's rows cannot take the focus) and
dropping a BEL in a contact's name where every other place shows ``␇``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from screens.client import ClientScreen
from screens.intake import IntakeScreen
from tests.helpers import make_app, settle

LONG = "Ł" * 10_000


def _long_client(db: Path) -> None:
    """Client 1 with a 10 000-character name, notes and job texts, and more open jobs."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE client SET name = ?, notes = ?, contact_person = ? WHERE id = 1",
            (f"Kancelaria {LONG}", f"NOTES-START {LONG} NOTES-END", "Halina\x07Nowak"),
        )
        conn.execute("UPDATE job SET description = ? WHERE client_id = 1", (f"Opis {LONG} END",))
        conn.execute(  # three more open jobs: the card is taller than its area
            "UPDATE job SET client_id = 1 WHERE id IN (SELECT id FROM job WHERE client_id != 1"
            " AND status NOT IN ('done', 'cancelled') ORDER BY id LIMIT 3)"
        )


def _screen_text(app: Any) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(s.text for s in strip) for strip in strips)


async def test_the_callers_card_shows_controls_and_scrolls_to_its_last_line(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    _long_client(demo_db_path)
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        for key in "601234567":
            await pilot.press(key)
        await settle(pilot)
        text = _screen_text(app)
        assert "Halina␇Nowak" in text, text  # shown, not dropped
        assert "Kancelaria ŁŁŁ" in text and "…" in text  # cut with an ellipsis
        assert "NOTES-START" not in text  # below the card's rows
        for _ in range(3):
            await pilot.press("pagedown")
            await pilot.pause()
        text = _screen_text(app)
        assert "NOTES-START" in text, text  # the last line reached
        assert app.screen.focused is app.screen.query_one("#description")  # focus kept


async def test_the_client_page_reaches_its_last_field(ctx_factory: Any, demo_db_path: Path) -> None:
    _long_client(demo_db_path)
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ClientScreen(1))
        await settle(pilot)
        assert "Halina␇Nowak" in _screen_text(app)
        text = _screen_text(app)
        assert "Phones" in text and "Contracts" in text  # not pushed away by the name
        await pilot.press("end")
        await pilot.pause()
        text = _screen_text(app)
        assert "NOTES-START" in text, text  # the last field, its long value cut with …
        assert [line for line in text.splitlines() if "ŁŁŁ" in line][-1].rstrip().endswith("…")
