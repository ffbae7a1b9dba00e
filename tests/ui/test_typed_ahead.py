"""Keys typed ahead across a focus change an earlier key caused land where focus went (issue 13).

The tester drove the app in tmux and sent whole strings in one ``send-keys``:
each worked with ~30 ms between keys and misrouted in one burst, because the
keys after the one that moves focus (Enter → a handler, a lookup → the card,
the request) reached the old field before the move.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input

import screens.intake
import screens.key_gate
import screens.tech_jobs
from bbdispatch.app import BBDispatch
from bbdispatch.clock import FrozenClock
from bbdispatch.domain.jobs import JobMode, Priority
from bbdispatch.domain.people import Technician
from bbdispatch.pricelist import PriceList
from screens.board import BoardScreen
from screens.call_log import CallLogScreen
from screens.entry_dialog import EntryDialog
from screens.intake import IntakeScreen
from screens.tech_jobs import TechJobsScreen
from screens.widgets.triage_bar import TriageBar
from tests.helpers import burst, dispatcher_after, newest_job, ring, settle, settle_until


def intake(app: Any) -> IntakeScreen:
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


def value(app: Any, selector: str) -> str:
    return intake(app).query_one(selector, Input).value


async def pause_until(pilot: Any, done: Callable[[], bool]) -> None:
    """Pause until ``done()`` holds (at most 20 s), without waiting for workers.

    The workers here wait for what the test holds back (a dialog's answer, a
    lookup never answered), so ``settle`` would wait for them in vain.
    """
    async with asyncio.timeout(20):
        while not done():
            await pilot.pause(0.05)


async def test_a_number_and_the_request_in_one_burst_land_in_their_fields(
    ctx_factory: Any,
) -> None:
    """``601234567Drukarka nie drukuje``: the request stayed in the Phone field."""
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        burst(app, *"601234567Drukarka nie drukuje")
        await settle_until(pilot, lambda: value(app, "#description") == "Drukarka nie drukuje")
        assert value(app, "#phone") == "601 234 567"
        assert value(app, "#description") == "Drukarka nie drukuje"
        assert app.focused is intake(app).query_one("#description", Input)


async def test_a_new_callers_name_enter_enter_and_the_request_in_one_burst(
    ctx_factory: Any,
) -> None:
    """Name, Enter (to contact), Enter (empty: to the request), text: it was appended to the name."""
    async with dispatcher_after(ctx_factory, "f2", *"500100200", "enter") as (app, pilot):
        assert app.focused is intake(app).query_one("#nc-name", Input)
        burst(app, *"Biuro Lis", "enter", "enter", *"Router padl")
        await settle_until(pilot, lambda: value(app, "#description") == "Router padl")
        assert value(app, "#nc-name") == "Biuro Lis"
        assert value(app, "#nc-contact") == ""
        assert value(app, "#description") == "Router padl"


async def test_a_number_enter_enter_and_the_request_in_one_burst(ctx_factory: Any) -> None:
    """An unknown number, Enter (the form), Enter (no name: on to the request), text."""
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        burst(app, *"500100200", "enter", "enter", *"Router padl")
        await settle_until(pilot, lambda: value(app, "#description") == "Router padl")
        assert value(app, "#phone") == "500 100 200"
        assert value(app, "#nc-name") == ""
        assert value(app, "#description") == "Router padl"


async def test_a_client_search_typed_ahead_picks_the_client_and_saves_the_triage(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """``^f`` name Enter Enter Tab text Tab ``r l 3``: no client was picked, ``rl3`` in the request."""
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        burst(app, "ctrl+f", *"notarialna", "enter", "enter", "tab", *"Skaner", "tab", *"rl3")
        await settle_until(pilot, lambda: intake(app).query_one(TriageBar).category is not None)
        screen = intake(app)
        card = screen._card
        assert card is not None
        assert card.client.name.startswith("Kancelaria Notarialna Nowak")
        assert value(app, "#description") == "Skaner"
        triage = screen.query_one(TriageBar)
        assert (triage.mode, triage.priority) == (JobMode.REMOTE, Priority.LOW)
        burst(app, "ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, BoardScreen))
    job, client = newest_job(demo_db_path)
    assert client.startswith("Kancelaria Notarialna Nowak")
    assert (job["description"], job["mode"], job["priority"]) == ("Skaner", "remote", "low")


async def test_the_request_typed_with_the_key_taking_a_waiting_call_lands_in_the_request(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """``t`` in the call log opens the intake of a waiting call, which looks its number up.

    The intake came up with the number's field focused and the keys typed with
    ``t`` went there; the lookup then moved the focus to the request. Keys wait
    for the workers of the screen that came up, not for the call log's worker
    that opened it.
    """
    await ring(demo_db_path, clock, prices, "601 234 567")
    async with dispatcher_after(ctx_factory, "l") as (app, pilot):
        assert isinstance(app.screen, CallLogScreen)
        burst(app, "t", *"Skaner nie skanuje")
        await settle_until(
            pilot,
            lambda: (
                isinstance(app.screen, IntakeScreen)
                and value(app, "#description") == "Skaner nie skanuje"
            ),
        )
        assert value(app, "#description") == "Skaner nie skanuje"
        assert value(app, "#phone") == "601 234 567"


async def test_text_typed_with_the_timer_key_lands_in_the_dialog_the_worker_opens(
    ctx_factory: Any, anna: Technician, monkeypatch: Any
) -> None:
    """``t`` stops the running timer: a worker reads it, then asks for the description.

    The description typed with ``t`` went to the job list, whose one-key
    bindings (``e`` entries, ``h`` hold, ``d`` done) it would have pressed.
    Keys wait for the dialog the worker opens, not for the worker, which
    waits for the dialog's answer. The database answers slowly here, as on a
    busy machine.
    """
    real_running_timer = screens.tech_jobs.running_timer

    async def slow_running_timer(ctx: Any, tech: Any) -> Any:
        await asyncio.sleep(0.3)
        return await real_running_timer(ctx, tech)

    monkeypatch.setattr(screens.tech_jobs, "running_timer", slow_running_timer)
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, TechJobsScreen)
        burst(app, "t", *"Restart serwera")

        def typed() -> str:
            dialog = app.screen
            if not isinstance(dialog, EntryDialog):
                return ""
            fields = dialog.query("#entry-description").results(Input)
            return next((field.value for field in fields), "")  # not composed yet: ""

        await pause_until(pilot, lambda: typed() == "Restart serwera")
        assert [type(s) for s in app.screen_stack[1:]] == [TechJobsScreen, EntryDialog]


async def test_keys_wait_for_a_lookup_no_longer_than_the_bound(
    ctx_factory: Any, monkeypatch: Any
) -> None:
    """A lookup the database never answers: the keys typed on still land, where the focus is."""
    answer = asyncio.Event()
    real_lookup = screens.intake.lookup_number

    async def stuck_lookup(ctx: Any, raw: str) -> Any:
        await answer.wait()
        return await real_lookup(ctx, raw)

    monkeypatch.setattr(screens.intake, "lookup_number", stuck_lookup)
    monkeypatch.setattr(screens.key_gate, "SETTLE_SECONDS", 0.3)
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        burst(app, *"601234567Dr")
        await pause_until(pilot, lambda: value(app, "#phone") == "601 234 567Dr")
        answer.set()
        await settle(pilot)
