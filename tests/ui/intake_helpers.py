from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Role, Technician

DISPATCHER = Technician(
    id=5, login="beata", name="Beata Jankowska", role=Role.DISPATCHER, does_onsite=False,
    phone=None, active=True,
)  # fmt: skip


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type free text (the description, not counted as keystrokes)."""
    await pilot.press(*["space" if c == " " else c for c in text])


def query(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def make_app(ctx_factory: Any) -> BBDispatch:
    return BBDispatch(ctx_factory(), DISPATCHER, poll_seconds=0.1)
