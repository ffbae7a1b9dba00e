"""The technician's card and palette stay readable whatever the stored text holds.

A fresh tester's findings: a 10 000-character client name filled the job card
(address, phone and time pushed off) and the palette (one hit, twenty lines);
the card dropped BEL where every other place shows ``␇``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Technician
from tests.helpers import load_person, settle

LONG_NAME = "Przychodnia " + "X" * 10_000
DESCRIPTION = "Nie działa\x07 rejestracja\x0c online " + "bardzo długi opis " * 600


def _poison(db: Path) -> int:
    """Give anna's in-progress job the long name and a description with controls."""
    with sqlite3.connect(db) as conn:
        job_id, client_id = conn.execute(
            "SELECT j.id, j.client_id FROM job j JOIN technician t ON t.id = j.technician_id"
            " WHERE t.login = 'anna' AND j.status = 'in_progress' ORDER BY j.id LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE client SET name = ? WHERE id = ?", (LONG_NAME, client_id))
        conn.execute("UPDATE job SET description = ? WHERE id = ?", (DESCRIPTION, job_id))
    return int(job_id)


@pytest.fixture
def anna(demo_db_path: Path) -> Technician:
    _poison(demo_db_path)
    return load_person(demo_db_path, "anna")


def _lines(app: BBDispatch) -> list[str]:
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


async def test_the_card_keeps_its_lines_and_shows_controls_like_everywhere(
    ctx_factory: Any, anna: Technician
) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician", poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = _lines(app)
        card = lines[lines.index(next(x for x in lines if x.startswith(" Job "))) :]
        text = "\n".join(card)
        assert "Address:" in text and "My time on this job" in text, text
        assert sum("XXXXXXXX" in line for line in card) == 1, text  # the name: one line
        assert "␇" in text and "␌" in text, text  # as in the table and everywhere else
        description = [line for line in card if "opis" in line]
        assert 1 <= len(description) <= 2 and description[-1].rstrip().endswith("…"), text
        table_row = next(x for x in lines if "Przychodnia" in x and "Job" not in x)
        assert "␇" in table_row or "Nie działa" not in table_row


async def test_a_long_name_is_one_line_of_the_palette(ctx_factory: Any, anna: Technician) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician", poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        for key in "Przy":
            await pilot.press(key)
        await pilot.pause(0.5)
        await settle(pilot)
        lines = _lines(app)
        hits = [line for line in lines if "XXXXXXXX" in line]
        # the hit itself, plus the job list and card behind the palette's dim backdrop
        assert any("Przychodnia" in line and "…" in line for line in hits), "\n".join(lines)
        assert len(hits) <= 3, "\n".join(lines)
        assert app.is_running


@pytest.mark.parametrize("contact", ["Dorota Kaczmarek", "Dorota " + "K" * 300])
async def test_the_phone_stays_whole_whatever_the_names(
    ctx_factory: Any, anna: Technician, demo_db_path: Path, contact: str
) -> None:
    """A long client (or contact) name is cut with …, never the number to call."""
    with sqlite3.connect(demo_db_path) as conn:
        conn.execute(
            "UPDATE job SET caller_name = ?, caller_phone = '+48426301122' WHERE id = ("
            "SELECT j.id FROM job j JOIN technician t ON t.id = j.technician_id"
            " WHERE t.login = 'anna' AND j.status = 'in_progress' ORDER BY j.id LIMIT 1)",
            (contact,),
        )
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician", poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = _lines(app)
        (who,) = [line for line in lines if "XXXXXXXX" in line and "Job" not in line][-1:]
        assert who.rstrip().endswith("42 630 11 22"), "\n".join(lines)
        assert "Przychodnia XXX" in who and "… · Dorota" in who, who
        if len(contact) > 100:
            assert "K…, 42 630 11 22" in who, who


async def test_the_card_says_the_hours_left_on_each_contract(
    ctx_factory: Any, anna: Technician, demo_db_path: Path
) -> None:
    """What the technician needs: whether the time is covered, not "4 h charged"."""
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician", poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = "\n".join(_lines(app))
        assert "charged" not in text, text
        # The products by their short names: the whole line fits the card at 80 columns.
        assert "BB/2026/003 IT admin: monthly fee, no hour limit" in text, text
        assert "BB/2026/004 Network 1 h: billed by the hour, no hours prepaid" in text, text
