"""People read product names and schedules in words, never codes or RRULEs (issue 16).

Every screen of the day is walked in Polish and in English on the demo database
and its visible text is searched for a product code of the price list
(``service-50h``) and for a raw recurrence rule (``FREQ=``). JSON and CSV keep
the codes (tested with the commands).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from textual.screen import Screen

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Technician
from bbdispatch.domain.products import product_name
from bbdispatch.domain.rule_words import describe_schedule
from bbdispatch.i18n import choose_language
from bbdispatch.pricelist import PriceList
from screens.client import ClientScreen
from screens.contract_history import ContractHistoryScreen
from screens.contracts import ContractsScreen
from screens.itadmin_report_view import ItAdminReportScreen
from screens.job_detail import JobDetailScreen
from screens.recurring_tasks import RecurringTasksScreen
from screens.sign_contract import SignContractScreen
from screens.statement import StatementScreen
from tests.helpers import DISPATCHER, settle_twice
from tests.i18n.test_polish_screens import screen_text

SCREENS: list[tuple[str, Callable[[], Screen[Any]]]] = [
    ("job detail 15", lambda: JobDetailScreen(15)),
    ("job detail 12", lambda: JobDetailScreen(12)),
    ("client 1", lambda: ClientScreen(1)),
    ("client 3", lambda: ClientScreen(3)),
    ("contracts", lambda: ContractsScreen()),
    ("statement 1", lambda: StatementScreen(1)),
    ("recurring tasks", lambda: RecurringTasksScreen(3)),
    ("contract history", lambda: ContractHistoryScreen(3)),
    ("it-admin report", lambda: ItAdminReportScreen(3, date(2026, 11, 1))),
    ("sign contract 3", lambda: SignContractScreen(3)),
]


def codes_shown(text: str, prices: PriceList) -> list[str]:
    """Product codes and raw rules in a text a person reads.

    The task form's RRULE field is where a custom rule is typed; its line is
    the one place a rule may show as written.
    """
    text = "\n".join(line for line in text.splitlines() if "RRULE" not in line)
    found = [p.code for p in prices.products if re.search(rf"(?<![\w-]){p.code}(?![\w-])", text)]
    return found + (["FREQ="] if "FREQ=" in text else [])


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize(("name", "make"), SCREENS, ids=[n for n, _m in SCREENS])
async def test_screens_show_names_not_codes(
    ctx_factory: Callable[..., Callable[[], object]],
    prices: PriceList,
    language: str,
    name: str,
    make: Callable[[], Screen[Any]],
) -> None:
    from tests.ui.test_contracts_statement import ADMIN

    choose_language(language)
    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(make())
        await settle_twice(app, pilot)
        await settle_twice(app, pilot)
        shown = screen_text(app)
    assert not codes_shown(shown, prices), f"{name}: {codes_shown(shown, prices)}\n{shown}"
    if name == "contracts":
        assert product_name("service-50h") in shown, shown


async def test_the_recurring_task_detail_says_its_schedule_in_polish(
    ctx_factory: Callable[..., Callable[[], object]], polish: None
) -> None:
    from tests.ui.test_contracts_statement import ADMIN

    app = BBDispatch(ctx_factory(), ADMIN)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        await app.push_screen(RecurringTasksScreen(3))
        await settle_twice(app, pilot)
        await settle_twice(app, pilot)
        shown = screen_text(app)
    assert "co miesiąc, w pierwszy poniedziałek" in shown, shown


FLOWS: list[tuple[str, list[str]]] = [
    ("board", []),
    ("caller card of an IT-admin client", ["f2", *"426301122"]),
    ("caller card of a service client", ["f2", *"601234567"]),
    ("job edit", ["j"]),
    ("recurring task edit", ["r"]),
]
"""Dispatcher flows from the board: the keys pressed after it loads."""


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize(("name", "keys"), FLOWS, ids=[n for n, _k in FLOWS])
async def test_dispatcher_flows_show_names_not_codes(
    ctx_factory: Callable[..., Callable[[], object]],
    prices: PriceList,
    language: str,
    name: str,
    keys: list[str],
) -> None:
    choose_language(language)
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        if keys == ["j"]:
            await app.push_screen(JobDetailScreen(11))
            await settle_twice(app, pilot)
            keys = ["e"]
        elif keys == ["r"]:
            await app.push_screen(RecurringTasksScreen(3))
            await settle_twice(app, pilot)
            keys = ["e"]
        await pilot.press(*keys)
        await settle_twice(app, pilot)
        await settle_twice(app, pilot)
        shown = screen_text(app)
    choose_language("en")
    assert not codes_shown(shown, prices), f"{name}: {codes_shown(shown, prices)}\n{shown}"


@pytest.mark.parametrize("language", ["pl", "en"])
async def test_the_technician_workspace_shows_names_not_codes(
    ctx_factory: Callable[..., Callable[[], object]],
    anna: Technician,
    prices: PriceList,
    language: str,
) -> None:
    choose_language(language)
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle_twice(app, pilot)
        shown = screen_text(app)
    choose_language("en")
    assert not codes_shown(shown, prices), shown


@pytest.mark.parametrize(
    ("rule", "polish", "english"),
    [
        ("FREQ=MONTHLY;BYDAY=1MO", "co miesiąc, w pierwszy poniedziałek",
         "monthly, on the first Monday"),
        ("FREQ=MONTHLY;BYDAY=1WE", "co miesiąc, w pierwszą środę",
         "monthly, on the first Wednesday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "co 2 tygodnie, we wtorek",
         "every 2 weeks, on Tuesday"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "w każdy dzień roboczy", "every workday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "co miesiąc, w ostatni piątek",
         "monthly, on the last Friday"),
    ],
)  # fmt: skip
def test_a_rule_reads_in_words(rule: str, polish: str, english: str) -> None:
    choose_language("pl")
    assert describe_schedule(rule) == polish
    choose_language("en")
    assert describe_schedule(rule) == english


def test_a_rule_without_words_is_named_as_a_rule() -> None:
    choose_language("pl")
    assert describe_schedule("FREQ=DAILY;BYHOUR=3") == "własny harmonogram: FREQ=DAILY;BYHOUR=3"


def test_a_product_reads_by_name_in_the_session_language(prices: PriceList) -> None:
    choose_language("pl")
    assert product_name("service-50h") == "Umowa serwisowa 50 h"
    choose_language("en")
    assert product_name("service-50h") == "Service contract 50 h"
    assert product_name("gone-1h", title="Stara umowa") == "Stara umowa"
    # Narrow places (the contracts table, job cards) take the short names.
    assert product_name("service-50h", short=True) == "Service"
    choose_language("pl")
    assert product_name("service-50h", short=True) == "Serwisowa"
    assert product_name("gone-1h", title="Stara umowa", short=True) == "Stara umowa"
    choose_language("en")


@pytest.mark.parametrize(
    ("rule", "polish", "english"),
    [
        ("FREQ=MONTHLY;BYDAY=1MO", "1. pon. miesiąca", "first Mon monthly"),
        ("FREQ=WEEKLY;BYDAY=MO", "co tydz., pon.", "weekly, on Monday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "co 2 tyg., niedz.", "every 2 weeks, Sun"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "dni robocze", "every workday"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "koniec miesiąca", "end of month"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "własna reguła", "custom rule"),
        ("FREQ=DAILY;BYHOUR=3", "własna reguła", "custom rule"),
    ],
)  # fmt: skip
def test_a_rule_in_a_table_column_fits_18_cells(rule: str, polish: str, english: str) -> None:
    # The recurring tasks' column: the words when they fit, else the compact form.
    from bbdispatch.domain.schedule import short_rule
    from bbdispatch.text import cell_width

    choose_language("pl")
    shown_pl = short_rule(rule, 18)
    choose_language("en")
    shown_en = short_rule(rule, 18)
    assert (shown_pl, shown_en) == (polish, english)
    assert cell_width(shown_pl) <= 18 and cell_width(shown_en) <= 18
