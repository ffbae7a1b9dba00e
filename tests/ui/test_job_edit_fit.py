"""The job edit dialog at 80x24 in Polish: labelled fields, a footer, Enter on Zapisz saves.

It filled all 24 rows with no labels and no footer, Enter on its Save button did
nothing, and the agreed rate read ``90.00`` in Polish.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.widgets import Button, Input

from bbdispatch.app import BBDispatch
from bbdispatch.formats import format_amount_input
from bbdispatch.money import parse_money
from screens.job_edit import JobEditScreen
from tests.helpers import DISPATCHER, query, settle


def _lines(app: BBDispatch) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def _with_agreed_rate(db_path: Path) -> int:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        job_id = int(conn.execute("SELECT min(id) FROM job WHERE status = 'new'").fetchone()[0])
        conn.execute(
            "UPDATE job SET agreed_rate_grosze = 9000, agreed_price_grosze = NULL WHERE id = ?",
            (job_id,),
        )
    conn.close()
    return job_id


def test_an_amount_for_a_field_reads_back_in_both_languages(polish: None) -> None:
    assert format_amount_input(Decimal("90")) == "90,00"
    assert format_amount_input(Decimal("1234.5")) == "1234,50"
    assert format_amount_input(Decimal("1234.5"), "en_GB") == "1234.50"
    assert parse_money(format_amount_input(Decimal("1234.5"))) == Decimal("1234.50")


async def test_job_edit_fits_80x24_with_labels_and_enter_on_save_saves(
    ctx_factory: Any, demo_db_path: Path, polish: None
) -> None:
    job_id = _with_agreed_rate(demo_db_path)
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from screens.board import BoardScreen

        board = app.screen
        assert isinstance(board, BoardScreen)
        from screens.job_detail import JobDetailScreen

        app.push_screen(JobDetailScreen(job_id))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, JobEditScreen)
        assert dialog.query_one("#edit-amount", Input).value == "90,00"
        lines = _lines(app)
        shown = "\n".join(lines)
        for label in ("Opis", "Priorytet", "Tryb", "Umowa", "Cena", "Zapisz"):
            assert label in shown, shown
        assert "^s" in lines[-1] and "Zapisz" in lines[-1], shown  # the footer's keys
        box = dialog.query_one("VerticalScroll")
        assert box.outer_size.height < 24, shown
        dialog.query_one("#edit-description", Input).value = "Drukarka: nowy opis"
        dialog.query_one("#edit-save", Button).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, JobEditScreen), _lines(app)
    row = query(
        demo_db_path, "SELECT description, agreed_rate_grosze FROM job WHERE id = ?", (job_id,)
    )[0]
    assert (row["description"], row["agreed_rate_grosze"]) == ("Drukarka: nowy opis", 9000)
