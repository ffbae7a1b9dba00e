"""What a Polish-only dispatcher saw at 80x24 on the demo (issue 16, the sweep).

Each test pins one thing found on a screen, asserted on what the screen shows:
a job number written ``#11`` where Polish writes ``nr 11``, the contracts
table's hours header cut or worded off the glossary.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import actor_text
from bbdispatch.i18n import choose_language
from screens.client import ClientScreen
from screens.contracts import ContractsScreen
from screens.job_detail import JobDetailScreen
from tests.helpers import DISPATCHER, settle_until
from tests.i18n.test_polish_screens import screen_text

ROOT = Path(__file__).resolve().parents[2]


async def test_the_client_page_writes_job_numbers_the_polish_way(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    # The client page listed open and recent jobs as "#11 w toku: ...".
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ClientScreen(3))
        await settle_until(pilot, lambda: "nr 11" in screen_text(app))
        shown = screen_text(app)
    assert "nr 11 w toku: Nie działa rejestracja" in shown, shown
    assert not re.search(r"#\d", shown), shown


async def test_the_client_page_keeps_the_hash_in_english(
    ctx_factory: Callable[..., Callable[[], object]],
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ClientScreen(3))
        await settle_until(pilot, lambda: "#11" in screen_text(app))
        shown = screen_text(app)
    assert "#11 in progress" in shown, shown


async def test_the_contracts_table_heads_the_hours_whole_in_glossary_words(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    # "Użyte/zostało": the glossary's words are "wykorzystano" and "pozostało".
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ContractsScreen())
        await settle_until(pilot, lambda: "BB/2026/001" in screen_text(app))
        shown = screen_text(app)
    header = next(ln for ln in shown.splitlines() if "Numer" in ln)
    assert "Wykorz./pozost." in header, header
    assert "Starczy do" in header, header
    row = next(ln for ln in shown.splitlines() if "BB/2026/001" in ln)
    assert "Serwisowa" in row and "41 h/9 h" in row, row
    assert "pozostało 9 h" in shown, shown


def _number_marks_in_fstrings() -> list[str]:
    """f-strings that write ``#`` right before a value: a number mark not through the catalogue.

    CSS selectors (``query_one(f"#{name}")``) are not text for people and are left out.
    """
    selectors = {"query_one", "query", "query_exactly_one", "get_widget_by_id", "get_child_by_id"}
    found = []
    for folder in ("bbdispatch", "screens"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skip = {
                id(arg)
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in selectors
                for arg in node.args
            }
            for node in ast.walk(tree):
                if not isinstance(node, ast.JoinedStr) or id(node) in skip:
                    continue
                parts = node.values
                for before, after in zip(parts, parts[1:], strict=False):
                    if (
                        isinstance(before, ast.Constant)
                        and str(before.value).endswith("#")
                        and isinstance(after, ast.FormattedValue)
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_text_writes_a_number_mark_by_hand() -> None:
    """``#{n}`` in an f-string shows ``#11`` in Polish too: use ``format_number_mark``."""
    assert _number_marks_in_fstrings() == []


@pytest.mark.parametrize(
    ("language", "want"),
    [
        ("pl", "Brak w bazie: Enter – nowy klient, ^f – szukaj"),
        ("en", "Unknown number: Enter – new client, ^f – find"),
    ],
)
async def test_the_unknown_number_hint_is_whole_at_80_columns(
    ctx_factory: Callable[..., Callable[[], object]], language: str, want: str
) -> None:
    # "Nieznany numer: Enter – nowy klient, ^f – szuk…" (and "… ^f to fi…" in English).
    choose_language(language)
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_until(pilot, lambda: "Nr" in screen_text(app))
        await pilot.press("f2", *"501999888")
        await settle_until(pilot, lambda: want[:12] in screen_text(app))
        shown = screen_text(app)
    assert want in shown, shown


def test_a_support_actor_is_worded_in_the_readers_language() -> None:
    # "root as beata" in a Polish job's change log: the "as" is stored, not translated.
    assert actor_text("root as beata") == "root as beata"
    choose_language("pl")
    assert actor_text("root as beata") == "root jako beata"
    assert actor_text("anna") == "anna"


async def test_the_job_detail_shows_a_support_session_in_polish(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    from bbdispatch.domain.jobs import JobStatus
    from bbdispatch.services.dispatch import change_status

    ctx = await ctx_factory("root")()
    await change_status(ctx.acting_as("root as beata", "beata"), 12, JobStatus.IN_PROGRESS)  # type: ignore[attr-defined]
    await ctx.db.close()  # type: ignore[attr-defined]
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(JobDetailScreen(12))
        await settle_until(pilot, lambda: "Historia statusów" in screen_text(app))
        shown = str(app.screen.query_one("#detail", Static).content)
    assert "root jako beata" in shown, shown
    assert " as " not in shown, shown


def test_a_moved_charge_names_a_support_session_in_the_documents_language() -> None:
    # A client's Polish statement said "przez: root as beata".
    from bbdispatch.domain.messages import shown, stored

    reason = stored("charge.moved", n="BB/2026/001", who="root as beata")
    assert shown(reason, "pl").endswith("przez: root jako beata"), shown(reason, "pl")
    assert shown(reason).endswith("by root as beata"), shown(reason)


def test_a_contract_signed_in_a_support_session_says_so_in_polish(polish: None) -> None:
    from dataclasses import replace
    from datetime import date

    from bbdispatch.pricelist import ProductType
    from tests.unit.test_intake_service import contract

    signed = replace(
        contract(1, ProductType.BLOCK, date(2026, 11, 1), 3000), signed_by="root as beata"
    )
    assert signed.signer_text() == "podpisano przez: root jako beata", signed.signer_text()
    imported = replace(signed, signed_by="import:root as bogdan")
    assert imported.signer_text().endswith("root jako bogdan"), imported.signer_text()


async def test_the_call_log_names_the_person_who_took_the_call(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    # The 7-column "Kto" showed "root a…" for a call taken in a support session.
    from bbdispatch.services.intake import IntakeRequest, save_intake
    from screens.call_log import CallLogScreen

    ctx = await ctx_factory("root")()
    acting = ctx.acting_as("root as beata", "beata")  # type: ignore[attr-defined]
    await save_intake(acting, IntakeRequest(job=None, raw_number="501999888", note="cennik"))
    await ctx.db.close()  # type: ignore[attr-defined]
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(CallLogScreen())
        await settle_until(pilot, lambda: "501 999 888" in screen_text(app))
        shown = screen_text(app)
    row = next(ln for ln in shown.splitlines() if "501 999 888" in ln)
    assert row.rstrip().endswith("beata"), row


async def test_the_contracts_detail_shows_every_line_in_polish(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    # The Polish balance wraps to two rows; the 3-row detail then cut its last line,
    # "Brak prognozy wyczerpania: brak prac w ostatnich 90 dniach."
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ContractsScreen())
        await settle_until(pilot, lambda: "BB/2026/001" in screen_text(app))
        shown = screen_text(app)
    assert "Brak prognozy wyczerpania: brak prac w ostatnich 90 dniach." in shown, shown
    assert "podpisano przez: " in shown, shown


async def test_the_recurring_tasks_summary_counts_the_polish_way(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    # "zadania: 2", the count worded around the plural; now "2 zadania" (1 zadanie, 5 zadań).
    from screens.recurring_tasks import RecurringTasksScreen

    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(RecurringTasksScreen(3))
        await settle_until(pilot, lambda: "BB/2026/003 ·" in screen_text(app))
        shown = screen_text(app)
    assert "BB/2026/003 · 2 zadania" in shown, shown


async def test_the_job_edit_names_the_priority_in_full(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    # The select showed the board's short column word "AWARIA" among "zwykły" and "niski"
    # ("EMERG" in English).
    from screens.job_edit import JobEditScreen

    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(JobDetailScreen(11))
        await settle_until(pilot, lambda: "Historia statusów" in screen_text(app))
        await pilot.press("e")
        await settle_until(pilot, lambda: isinstance(app.screen, JobEditScreen))
        await settle_until(pilot, lambda: "Priorytet" in screen_text(app))
        shown = screen_text(app)
    line = next(ln for ln in shown.splitlines() if "Priorytet" in ln)
    assert "awaria" in line and "AWARIA" not in line, line
