"""Keystroke counts of the two calls a dispatcher takes most (issue 13, Done-when)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screens.assign import AssignScreen
from screens.board import BoardScreen
from tests.helpers import make_app, query, settle, type_text


async def _press(pilot: Any, counted: list[str], *keys: str) -> None:
    counted.extend(keys)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_known_caller_to_assigned_emergency_in_17_keys(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    counted: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, counted, "f2", *"601234567")
        await type_text(pilot, "Server down")  # the request: text, not counted
        await _press(pilot, counted, "enter", "e", "r", "3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await _press(pilot, counted, "a")  # the cursor is on the new job already
        assert isinstance(app.screen, AssignScreen)
        await _press(pilot, counted, "enter")  # the best match is highlighted
        assert isinstance(app.screen, BoardScreen)
    assert len(counted) == 17, counted
    job = query(demo_db_path, "SELECT * FROM job ORDER BY id DESC LIMIT 1")[0]
    assert (job["priority"], job["status"], job["description"]) == (
        "emergency", "assigned", "Server down",
    )  # fmt: skip
    assert job["technician_id"] is not None


async def test_new_company_to_job_in_17_keys(ctx_factory: Any, demo_db_path: Path) -> None:
    app = make_app(ctx_factory)
    counted: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, counted, "f2", *"500600700", "enter")  # unknown: the form opens
        await type_text(pilot, "Kwiaciarnia Roza")
        await _press(pilot, counted, "enter", "enter")  # name; an empty contact skips the rest
        await type_text(pilot, "New laptop setup")
        await _press(pilot, counted, "enter", "o", "1", "enter")
        assert isinstance(app.screen, BoardScreen)
    assert len(counted) == 17, counted
    job = query(demo_db_path, "SELECT j.*, c.name FROM job j JOIN client c ON c.id = j.client_id"
                              " ORDER BY j.id DESC LIMIT 1")[0]  # fmt: skip
    assert (job["name"], job["description"], job["mode"]) == (
        "Kwiaciarnia Roza", "New laptop setup", "onsite",
    )  # fmt: skip
