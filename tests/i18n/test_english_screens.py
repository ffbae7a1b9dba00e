"""An English session shows no Polish the program itself writes (issue 16, point 4).

The demo's data is Polish (client names, job descriptions, task titles) and is
shown as typed; what must be English is what the program words: product names
from the price list, statuses, modes, priorities, weekday and month names,
money and hour formats. Each main screen is opened at 80x24 in English and
scanned for those Polish words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from textual.screen import Screen

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Technician
from screens.call_log import CallLogScreen
from screens.callbacks import CallbacksScreen
from screens.client import ClientScreen
from screens.contract_history import ContractHistoryScreen
from screens.contracts import ContractsScreen
from screens.job_detail import JobDetailScreen
from screens.recurring_tasks import RecurringTasksScreen
from screens.statement import StatementScreen
from tests.helpers import DISPATCHER, settle_until
from tests.i18n.test_polish_screens import screen_text

POLISH = [
    # products (the price list's names and their short forms)
    "Umowa serwisowa", "Umowa startowa", "Umowa administrowania", "Serwisowa", "Startowa",
    "Admin. IT", "Serwis sieci", "Sieć 1 h",
    # statuses, modes, priorities, kinds
    "aktywna", "aktywny", "wykorzystana", "wygasła", "zamknięta", "potencjalny", "w toku",
    "ocenione", "przypisane", "wstrzymane", "zakończone", "anulowane", "na miejscu", "zdalnie",
    "awaria", "zwykły", "niski", "firma", "osoba prywatna", "sprzęt", "oprogramowanie",
    # words of the program's sentences
    "zlecenie", "zlecenia", "umowa", "klient", "godzin", "wykorzystano", "pozostało", "brak",
    "przez", "jako", "nr ",
    # weekdays and months
    "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela",
    "styczeń", "listopad", "grudzień", "grudnia", "listopada",
]  # fmt: skip
"""Polish words (lower case where they stand inside a sentence) the program writes."""

MONEY_OR_HOURS = re.compile(r"\d,\d{2} zł|\d,\d+ h|\d{2}\.\d{2}\.\d{4}")
"""Polish formats: 3 628,50 zł, 5,25 h, 30.11.2026."""


def polish_in(text: str) -> list[str]:
    """The Polish words and formats of :data:`POLISH` in a screen's text."""
    ends = {True: "", False: r"(?!\w)"}
    found = [w for w in POLISH if re.search(rf"(?<!\w){re.escape(w)}{ends[w[-1] == ' ']}", text)]
    return found + MONEY_OR_HOURS.findall(text)


def test_the_net_catches_polish() -> None:
    found = polish_in("BB/2026/001 Serwisowa aktywna 3 628,50 zł, 0,75 h, 30.11.2026 nr 12")
    assert {"Serwisowa", "aktywna", "nr ", "8,50 zł", "0,75 h", "30.11.2026"} <= set(found), found
    assert not polish_in("BB/2026/001 Service active 3,628.50 PLN, 0.75 h, 30/11/2026 #12")


SCREENS: list[tuple[str, Callable[[], Screen[Any]], str]] = [
    ("board", lambda: None, "Client"),  # type: ignore[list-item,return-value]
    ("contracts", ContractsScreen, "BB/2026/001"),
    ("client 1", lambda: ClientScreen(1), "Phones"),
    ("client 3", lambda: ClientScreen(3), "Phones"),
    ("client 5", lambda: ClientScreen(5), "Phones"),
    ("job 12", lambda: JobDetailScreen(12), "Description"),
    ("job 15", lambda: JobDetailScreen(15), "Description"),
    ("job 17", lambda: JobDetailScreen(17), "Description"),
    ("statement 1", lambda: StatementScreen(1), "BB/2026/001"),
    ("call log", CallLogScreen, "When"),
    ("callbacks", CallbacksScreen, "When"),
    ("recurring tasks", lambda: RecurringTasksScreen(3), "Schedule"),
    ("contract history", lambda: ContractHistoryScreen(3), "Who"),
]


@pytest.mark.parametrize(("name", "make", "ready"), SCREENS, ids=[s[0] for s in SCREENS])
async def test_an_english_screen_shows_no_polish_the_program_writes(
    ctx_factory: Callable[..., Callable[[], object]],
    name: str,
    make: Callable[[], Screen[Any] | None],
    ready: str,
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = make()
        if screen is not None:
            await app.push_screen(screen)
        await settle_until(pilot, lambda: ready in screen_text(app))
        shown = screen_text(app)
    assert ready in shown, shown
    assert not polish_in(shown), f"{name}: {polish_in(shown)}\n{shown}"


async def test_the_technician_workspace_shows_no_polish_the_program_writes(
    ctx_factory: Callable[..., Callable[[], object]], anna: Technician
) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_until(pilot, lambda: "My time" in screen_text(app))
        shown = screen_text(app)
    assert not polish_in(shown), f"{polish_in(shown)}\n{shown}"
