"""Issue 20, item 4: the IT administration report on screen, the same content as ``report itadmin``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.widgets import Markdown, Static

from bbdispatch.app import BBDispatch
from bbdispatch.reports.itadmin import render_markdown
from bbdispatch.services.context import Ctx
from bbdispatch.services.itadmin_report import itadmin_report
from screens.contract_history import ContractHistoryScreen
from screens.it_admin import open_contract_history
from screens.itadmin_report_view import ItAdminReportScreen, shift_month
from tests.helpers import DISPATCHER, settle_twice


def test_shift_month() -> None:
    assert shift_month(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert shift_month(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert shift_month(date(2026, 11, 1), -13) == date(2025, 10, 1)


async def test_report_from_the_history_screen(
    demo_ctx: Ctx, ctx_factory: Any, demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        open_contract_history(app, 3)
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ContractHistoryScreen)
        await pilot.press("r")
        await settle_twice(app, pilot)
        screen = app.screen
        assert isinstance(screen, ItAdminReportScreen)
        assert screen.month == date(2026, 11, 1)
        shown = screen.query_one("#report-text", Markdown).source
        expected = render_markdown(await itadmin_report(demo_ctx, 3, date(2026, 11, 1)))
        # The same document as `report itadmin --format md`, bar the moment it was made.
        assert shown.splitlines()[4:] == expected.splitlines()[4:]
        assert "Raport administrowania zasobami IT" in shown
        assert "Komputer REJESTRACJA-PC" in shown
        assert "Zainstalowano: AnyDesk 8.0.5" in shown
        await pilot.press("left")
        await settle_twice(app, pilot)
        assert screen.month == date(2026, 10, 1)
        status = str(screen.query_one("#report-status", Static).render())
        assert status.startswith("10.2026")
        assert "Komputer REJESTRACJA-PC" in screen.query_one("#report-text", Markdown).source
        # Back before the contract's start: said in words, no empty document.
        for _month in range(10):
            await pilot.press("left")
        await settle_twice(app, pilot)
        assert screen.month == date(2025, 12, 1)
        status = str(screen.query_one("#report-status", Static).render())
        assert "did not run in 12.2025: BB/2026/003 runs from 28/01/2026" in status
        assert screen.query_one("#report-text", Markdown).source == ""
        await pilot.press("escape")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ContractHistoryScreen)
