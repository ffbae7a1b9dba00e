"""A block brought over with hours already used names them wherever its hours are shown."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from bbdispatch.app import BBDispatch
from screens.statement import StatementScreen
from tests.helpers import DISPATCHER, settle_twice

FORMA = 4


async def test_statement_screen_names_the_opening_balance(
    ctx_factory: Callable[..., Callable[[], object]], demo_db_path: Path
) -> None:
    conn = sqlite3.connect(demo_db_path)
    with conn:
        number = conn.execute(
            "SELECT number FROM contract WHERE client_id = ? AND minutes_included IS NOT NULL",
            (FORMA,),
        ).fetchone()[0]
        conn.execute("UPDATE contract SET opening_used_minutes = 90 WHERE number = ?", (number,))
    conn.close()
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(FORMA))
        await settle_twice(app, pilot)
        totals = str(app.screen.query_one("#statement-totals", Static).render())
        assert number in totals
        assert "Opening balance: 1.5 h used before bbdispatch (imported)." in totals
