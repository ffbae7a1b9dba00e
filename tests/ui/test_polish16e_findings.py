"""Issue 16, a Polish tester's findings: silent keys, footers, spacing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bbdispatch.app import BBDispatch
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.lifecycle import TRANSITIONS
from screens.board import BoardScreen
from tests.helpers import DISPATCHER, query, settle

STATUS_KEYS = {"t": "triaged", "s": "in_progress", "h": "on_hold", "d": "done", "x": "cancelled"}


def _shown(app: BBDispatch) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_hold_on_a_triaged_job_says_why_in_polish(
    ctx_factory: Any, demo_db_path: Path, polish: None
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.select_job(17)  # ocenione (triaged)
        await pilot.press("h")
        await settle(pilot)
        shown = " ".join(_shown(app))
        assert "Zlecenie 17" in shown and "wstrzymane" in shown, shown
        assert query(demo_db_path, "SELECT status FROM job WHERE id = 17")[0][0] == "triaged"


async def test_every_refused_lifecycle_key_says_why(ctx_factory: Any, demo_db_path: Path) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        checked = 0
        for job_id in (17, 13, 15):
            status = JobStatus(query(demo_db_path, "SELECT status FROM job WHERE id = ?",
                                     (job_id,))[0][0])  # fmt: skip
            for key, target in STATUS_KEYS.items():
                if JobStatus(target) in TRANSITIONS[status]:
                    continue
                app._notifications.clear()
                assert board.select_job(job_id)
                await pilot.press(key)
                await settle(pilot)
                assert app.screen is board
                shown = " ".join(_shown(app))
                assert f"Job {job_id}" in shown and "cannot become" in shown, (job_id, key, shown)
                checked += 1
        assert checked >= 4


@pytest.mark.parametrize("language", ["pl", "en"])
async def test_the_skills_mark_has_a_space(ctx_factory: Any, language: str, polish: None) -> None:
    from bbdispatch.i18n import _, choose_language

    choose_language(language)
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.select_job(13)
        await pilot.press("a")
        await settle(pilot)
        from textual.widgets import OptionList

        picker = app.screen.query_one("#candidates", OptionList)
        text = "\n".join(str(picker.get_option_at_index(i).prompt)
                         for i in range(picker.option_count))  # fmt: skip
        assert "✓ " + _("skills") in text, text
        assert "✓" + _("skills") not in text


def test_every_screen_that_goes_back_shows_esc_in_its_footer() -> None:
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import screens
    from screens.base import BBScreen

    hidden = []
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, BBScreen) or cls.__module__ != module.__name__:
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                if (
                    isinstance(binding, Binding)
                    and binding.key == "escape"
                    and binding.action in ("back", "close", "cancel", "app.pop_screen")
                    and not binding.show
                ):
                    hidden.append(f"{cls.__name__}: esc {binding.description}")
    assert not hidden, hidden


async def test_the_contracts_footer_shows_esc_back_in_polish(
    ctx_factory: Any, polish: None
) -> None:
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        keys = [
            f"{k.key_display} {k.description}"
            for k in app.screen.query_one(Footer).query(FooterKey)
        ]
        assert "esc Wróć" in keys, keys


async def test_the_caller_card_keeps_a_long_polish_balance_whole_at_80_columns(
    ctx_factory: Any, polish: None
) -> None:
    # "BB/2026/001 Umowa serwisowa 50 h: wykorzystano 41 h z 50 h, pozostało 9 h (82%) ⚠"
    # is wider than the card: it was cut and the ⚠ was lost. The card names the
    # product by its short name.
    from tests.i18n.test_polish_screens import screen_text

    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"601234567")
        await settle(pilot)
        await settle(pilot)
        shown = screen_text(app)
    lines = [ln.strip(" │▄▃▅▇") for ln in shown.splitlines()]
    assert "BB/2026/001 Serwisowa: wykorzystano 41 h z 50 h, pozostało 9 h (82%) ⚠" in lines, shown
    assert "Uwagi: Serwer w szafie w archiwum; klucz u sekretarki." in lines, shown


def test_a_balance_wider_than_the_card_goes_on_under_itself(polish: None) -> None:
    # A firm's own product names can be long: the hours left and the mark stay.
    from dataclasses import replace
    from datetime import UTC, date, datetime

    from bbdispatch.domain.clients import Client, ClientKind, ClientStatus
    from bbdispatch.domain.contracts import Balance
    from bbdispatch.pricelist import ProductType
    from bbdispatch.services.caller_card import CallerCard
    from bbdispatch.text import cell_width
    from screens.widgets.caller_card import card_content
    from tests.unit.test_intake_service import contract

    client = Client(
        id=1, kind=ClientKind.COMPANY, name="Kancelaria", nip=None, street="", city="",
        postal_code="", email="", contact_person="", notes="", status=ClientStatus.ACTIVE,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip

    block = replace(
        contract(1, ProductType.BLOCK, date(2026, 11, 1), 3000),
        product_code="gone-50h",
        title="Umowa serwisowa z bardzo długą nazwą nadaną przez firmę 50 h",
    )
    card = CallerCard(
        client=client, balances=[Balance(block, 2460)], open_jobs=[], last_jobs=[],
        has_assessment=True,
    )  # fmt: skip
    lines = card_content(card, date(2026, 12, 1), 80, width=60).plain.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("BB/"))
    assert all(cell_width(ln) <= 60 for ln in lines[at:]), lines
    assert lines[at + 1].startswith("  ")
    assert " ".join(ln.strip() for ln in lines[at:]).endswith("pozostało 9 h (82%) ⚠"), lines


async def test_the_task_form_shows_every_polish_choice_whole_at_80_columns(
    ctx_factory: Any, polish: None
) -> None:
    # "poniedziałek", "oprogramowanie" and "Pierwszy dzień tygodnia w miesiącu" broke
    # over two lines inside their selects.
    from textual.widgets import Select

    from bbdispatch.text import cell_width
    from screens.it_admin import open_recurring_tasks
    from screens.task_form import TaskForm

    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        open_recurring_tasks(app, 3)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TaskForm)
        for name in ("preset", "weekday", "mode", "category", "on-closed"):
            select = form.query_one(f"#{name}", Select)
            widest = max(cell_width(str(label)) for label, _value in select._options)
            # The label and " ▼ " (the arrow and its spaces), as the select draws them.
            assert widest + 3 <= select.size.width, (name, widest, select.size.width)
            assert select.region.right <= 80, name


def test_a_late_missed_run_shows_its_whole_status_in_polish(
    demo_db_path: Path, ctx_factory: Any, polish: None
) -> None:
    # "POMINIĘTE*" (missed, made late) was cut to "POMINIĘT…" at 80 columns.
    import asyncio

    from bbdispatch.clock import FrozenClock
    from bbdispatch.domain.rights import Principal
    from bbdispatch.pricelist import load_pricelist
    from bbdispatch.services.context import Ctx
    from bbdispatch.services.schedule import run_schedule
    from bbdispatch.storage.database import Database
    from screens.contract_history import ContractHistoryScreen
    from tests.conftest import DEMO_NOW
    from tests.i18n.test_polish_screens import screen_text

    async def check() -> None:
        db = await Database.open(demo_db_path)
        clock = FrozenClock(DEMO_NOW)
        ctx = Ctx(db=db, clock=clock, prices=load_pricelist(), actor="cron",
                  fallback=Principal.SYSTEM)  # fmt: skip
        await run_schedule(ctx)
        await db.close()
        app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await app.push_screen(ContractHistoryScreen(3))
            await settle(pilot)
            await settle(pilot)
            shown = screen_text(app)
        assert "POMINIĘT…" not in shown, shown
        assert "POMINIĘTE*" in shown, shown

    asyncio.run(check())


async def test_the_recurring_tasks_table_shows_schedules_whole_in_polish(
    ctx_factory: Any, polish: None
) -> None:
    # "co miesiąc, w pie…" and "co tydzień, w pon…" were cut in the 18-cell column.
    from screens.recurring_tasks import RecurringTasksScreen
    from tests.i18n.test_polish_screens import screen_text

    app = BBDispatch(ctx_factory(), DISPATCHER, schedule_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(RecurringTasksScreen(3))
        await settle(pilot)
        await settle(pilot)
        shown = screen_text(app)
    assert "1. pon. miesiąca" in shown and "co tydz., pon." in shown, shown
    assert "co miesiąc, w pie…" not in shown and "w pon…" not in shown, shown
    # The selected task's detail keeps the whole words.
    assert "co miesiąc, w pierwszy poniedziałek" in shown, shown
