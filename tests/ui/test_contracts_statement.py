from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.cells import cell_len
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Role, Technician
from screens.assessment import AssessmentScreen
from screens.contracts import ContractsScreen
from screens.note_prompt import NotePrompt
from screens.sign_contract import SignContractScreen
from screens.statement import StatementScreen
from screens.widgets.confirm import ConfirmScreen
from tests.helpers import DISPATCHER, settle_twice


def text_of(app: BBDispatch, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_sign_service_contract_needs_an_assessment_first(
    ctx_factory: Callable[..., Callable[[], object]], demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await pilot.press("c")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ContractsScreen)
        table = app.screen.query_one("#contract-table", DataTable)
        assert table.row_count == 9
        await pilot.press("down")  # BB/2026/002, the Bilans starter at 95 %
        await settle_twice(app, pilot)
        assert "offer a service contract" in text_of(app, "#contract-detail")
        await pilot.press("f")  # only this client's contracts
        await settle_twice(app, pilot)
        assert table.row_count == 1
        # Without a needs assessment the service contract is refused, next to the form.
        await pilot.press("n")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, SignContractScreen)
        app.screen.query_one("#product", Select).value = "service-50h"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert "needs assessment" in text_of(app, "#sign-error")
        await pilot.press("escape")
        await settle_twice(app, pilot)
        # Record the assessment, then sign.
        await pilot.press("a")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert "No needs assessment" in text_of(app, "#revisions")
        app.screen.query_one("#needs", Input).focus()
        await pilot.press(*"Program FK, 4 stanowiska")
        app.screen.query_one("#rules", Input).value = "Zgłoszenia telefonicznie"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ContractsScreen)
        await pilot.press("n")
        await settle_twice(app, pilot)
        app.screen.query_one("#product", Select).value = "service-50h"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ContractsScreen)
        assert table.row_count == 2
        numbers = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert numbers == ["BB/2026/002", "BB/2026/009"]
    with sqlite3.connect(demo_db_path) as conn:
        row = conn.execute(
            "SELECT net_grosze, vat_rate_bp, minutes_included, assessment_id FROM contract"
            " WHERE number = 'BB/2026/009'"
        ).fetchone()
        needs = conn.execute("SELECT needs FROM needs_assessment WHERE id = ?", (row[3],))
        assert row[:3] == (295000, 2300, 3000)
        assert needs.fetchone()[0] == "Program FK, 4 stanowiska"


async def test_statement_screen_shows_lines_and_totals(
    ctx_factory: Callable[..., Callable[[], object]],
) -> None:
    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]  # admins issue periods
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(3))
        await settle_twice(app, pilot)
        table = app.screen.query_one("#statement-lines", DataTable)
        assert table.row_count == 3
        totals = text_of(app, "#statement-totals")
        assert "Monthly fee BB/2026/003 × 1" in totals
        assert "Gross 2,214.00 PLN" in totals
        # A bad period stays typed, with the message next to it.
        period_to = app.screen.query_one("#period-to", Input)
        period_to.value = "31.10.2026"
        await pilot.press("f5")
        await settle_twice(app, pilot)
        assert "before it starts" in text_of(app, "#period-error")
        assert period_to.value == "31.10.2026"
        # Issuing the running month is refused with a clear message.
        period_to.value = "30.11.2026"
        await pilot.press("f5")
        await settle_twice(app, pilot)
        await pilot.press("f8")
        await settle_twice(app, pilot)
        assert "after that day" in " ".join(str(n.message) for n in app._notifications)


async def test_statement_screen_issues_a_past_month(
    ctx_factory: Callable[..., Callable[[], object]], demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]  # admins issue periods
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(2, (date(2026, 8, 1), date(2026, 8, 31))))
        await settle_twice(app, pilot)
        # A block shows its hours at the start of the period, used in it and left.
        assert "BB/2026/002: 10 h at the start · 9.5 h used · 0.5 h left" in text_of(
            app, "#statement-totals"
        )
        # F8 asks first: "n" issues nothing.
        await pilot.press("f8")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle_twice(app, pilot)
        assert "draft" in text_of(app, "#statement-title")
        await pilot.press("f8")
        await settle_twice(app, pilot)
        await pilot.press("y")
        await settle_twice(app, pilot)
        await settle_twice(app, pilot)
        # Numbered in the firm's series, issued on the firm's day (Warsaw, not UTC).
        assert "WP/2026/11/001 issued 24/11/2026" in text_of(app, "#statement-title")
        # ...and at 80 columns the issue date is whole: the client's name gives way.
        title = app.screen.query_one("#statement-title", Static)
        shown = text_of(app, "#statement-title")
        assert shown.endswith("issued 24/11/2026") and shown.startswith("Biuro Rachunkowe")
        assert cell_len(shown) <= title.content_size.width
    with sqlite3.connect(demo_db_path) as conn:
        locked = conn.execute("SELECT COUNT(*) FROM work_entry WHERE statement_id = 1")
        assert locked.fetchone()[0] == 1


ADMIN = Technician(
    id=7, login="tester", name="tester", role=Role.ADMIN, does_onsite=True, phone=None,
    active=True,
)  # fmt: skip


async def test_admin_corrects_a_locked_entry_and_next_statement_shows_it(
    ctx_factory: Callable[..., Callable[[], object]], demo_db_path: Path
) -> None:
    from screens.correct_entry import CorrectEntryScreen

    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(StatementScreen(2, (date(2026, 8, 1), date(2026, 8, 31))))
        await settle_twice(app, pilot)
        await pilot.press("f8")
        await settle_twice(app, pilot)
        await pilot.press("y")
        await settle_twice(app, pilot)
        app.screen.query_one("#statement-lines", DataTable).focus()
        await pilot.press("f7")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, CorrectEntryScreen)
        app.screen.query_one("#end", Input).value = "19:00"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert "Say why" in text_of(app, "#correct-error")
        assert app.screen.query_one("#end", Input).value == "19:00"
        app.screen.query_one("#reason", Input).value = "Dojazd nie wpisany"
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        # 08:00-19:00 is longer than the price list's 10 h: the admin confirms it.
        assert "longer than 10 h" in text_of(app, "#correct-error")
        app.screen.query_one("#correct-long", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, StatementScreen)
        app.screen.query_one("#period-from", Input).value = "01.11.2026"
        app.screen.query_one("#period-to", Input).value = "30.11.2026"
        await pilot.press("f5")
        await settle_twice(app, pilot)
        totals = text_of(app, "#statement-totals")
        assert "Correction of WP/2026/11/001, entry 3: 1.5 h · 100.00" in totals
    with sqlite3.connect(demo_db_path) as conn:
        row = conn.execute("SELECT minutes_delta, net_delta_grosze, made_by FROM correction")
        # 08:00-17:30 became 08:00-19:00 (local): 90 more minutes, 30 on the starter, 60 uncovered.
        assert row.fetchone() == (90, 10000, "tester")


async def test_close_a_contract_and_move_uncovered_time_from_the_screen(
    ctx_factory: Callable[..., Callable[[], object]], demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(ContractsScreen(7))  # Drukarnia Prasa: one starter
        await settle_twice(app, pilot)
        await pilot.press("x")
        await settle_twice(app, pilot)
        table = app.screen.query_one("#contract-table", DataTable)
        assert str(table.get_row_at(0)[3]) == "active"
        # Issue 20: closing a block with prepaid hours left gave no warning.
        asked = [n for n in app._notifications if "Press x again" in str(n.message)][-1]
        assert "prepaid time left" in str(asked.message)
        assert asked.severity == "warning"
        await pilot.press("x")
        await settle_twice(app, pilot)
        # Issue 20 (finding 6): the screen closed a block without a reason, which
        # the service requires of ``contracts close --reason``; now it asks.
        assert isinstance(app.screen, NotePrompt)
        await pilot.press("enter")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, NotePrompt)  # an empty reason is not taken
        await pilot.press(*"Nowy", "space", *"blok", "enter")
        await settle_twice(app, pilot)
        assert str(table.get_row_at(0)[3]) == "closed"
        await pilot.press("m")
        await settle_twice(app, pilot)
        assert "cannot take uncovered time" in " ".join(str(n.message) for n in app._notifications)
    with sqlite3.connect(demo_db_path) as conn:
        actions = conn.execute(
            "SELECT action, detail FROM audit_log WHERE entity = 'contract' AND entity_id = 8"
        ).fetchall()
        assert any(a == "closed" and "Nowy blok" in str(d) for a, d in actions)


async def test_help_lists_the_contract_keys(
    ctx_factory: Callable[..., Callable[[], object]],
) -> None:
    from textual.widgets import Markdown

    from screens.help import HelpScreen

    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await pilot.press("c")
        await settle_twice(app, pilot)
        await pilot.press("f1")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(m.source) for m in app.screen.query(Markdown))
        assert "| `m` | Move |" in text
        assert "| `n` | Sign |" in text


async def test_an_imported_contract_shows_its_opening_balance(
    ctx_factory: Callable[..., Callable[[], object]], demo_db_path: Path
) -> None:
    conn = sqlite3.connect(demo_db_path)
    # as 'contracts import' records it: nobody signed it here, root brought it over
    conn.execute(
        "UPDATE contract SET opening_used_minutes = 150, signed_by = 'import:root' WHERE id = 1"
    )
    conn.commit()
    conn.close()
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_twice(app, pilot)
        await pilot.press("c")
        await settle_twice(app, pilot)
        assert isinstance(app.screen, ContractsScreen)
        table = app.screen.query_one("#contract-table", DataTable)
        for _row in range(table.row_count):
            if "Opening balance: 2.5 h used before bbdispatch" in text_of(app, "#contract-detail"):
                break
            await pilot.press("down")
            await settle_twice(app, pilot)
        detail = text_of(app, "#contract-detail")
        assert "Opening balance: 2.5 h used before bbdispatch" in detail
        assert "imported by root" in detail and "signed by" not in detail
