"""A tester's findings on the client page and callbacks, each at 80x24.

Esc in the client edit asks before dropping changes; ``x`` says Archive or
Reactivate and both ask; a client with open jobs is not archived; every client
field has a length limit shown under the field; a callback can be promised
from the board, the call log and the client page (and found by F1 and the
palette); a missed call is on the callback list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import SystemCommand
from textual.widgets import DataTable, Input, Markdown, Static

from bbdispatch.clock import FrozenClock
from bbdispatch.pricelist import PriceList
from screens.board import BoardScreen
from screens.call_log import CallLogScreen
from screens.callback_dialog import CallbackDialog
from screens.callbacks import CallbacksScreen
from screens.client import ClientScreen
from screens.client_edit import ClientEditScreen
from screens.help import HelpScreen
from screens.widgets.confirm import ConfirmScreen
from tests.helpers import make_app, query, ring, settle, type_text

NO_OPEN_JOBS = 9
"""Auto Serwis Wiśniewski, a prospect of the demo without jobs."""


def _client(db: Path, client_id: int) -> Any:
    return query(db, "SELECT * FROM client WHERE id = ?", (client_id,))[0]


def _x_label(app: Any) -> str:
    return str(app.screen.active_bindings["x"].binding.description)


async def test_escape_in_the_client_edit_asks_before_dropping_changes(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientScreen(NO_OPEN_JOBS))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        await pilot.press("escape")  # nothing changed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("e")
        await settle(pilot)
        city = app.screen.query_one("#ce-city", Input)
        city.value = "Gdańsk"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard" in str(app.screen.query_one("#confirm-question", Static).render())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        assert app.screen.query_one("#ce-city", Input).value == "Gdańsk"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
    assert _client(demo_db_path, NO_OPEN_JOBS)["city"] != "Gdańsk"


async def test_x_archives_and_reactivates_asking_each_time_and_the_footer_says_which(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientScreen(NO_OPEN_JOBS))
        await settle(pilot)
        assert _x_label(app) == "Archive"
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert _client(demo_db_path, NO_OPEN_JOBS)["status"] == "archived"
        assert isinstance(app.screen, ClientScreen)
        assert _x_label(app) == "Reactivate"
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Reactivate" in str(app.screen.query_one("#confirm-question", Static).render())
        await pilot.press("n")
        await settle(pilot)
        assert _client(demo_db_path, NO_OPEN_JOBS)["status"] == "archived"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert _x_label(app) == "Archive"
    assert _client(demo_db_path, NO_OPEN_JOBS)["status"] == "prospect"


async def test_a_client_with_open_jobs_is_not_archived_and_the_page_says_how_many(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientScreen(3))  # Przychodnia Zdrowie Plus: job 11 is in progress
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        open_jobs = len(app.screen.overview.open_jobs)  # type: ignore[union-attr]
        assert open_jobs >= 1
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)  # no question: nothing to confirm
        shown = [n.message for n in app._notifications]
        assert any(f"has {open_jobs} open job" in m for m in shown), shown
    assert _client(demo_db_path, 3)["status"] == "active"


async def test_an_overlong_email_is_refused_under_the_field_and_kept(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientScreen(NO_OPEN_JOBS))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        email = app.screen.query_one("#ce-email", Input)
        email.value = "a" * 10_000 + "@example.com"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientEditScreen)
        message = str(app.screen.query_one("#ce-email-error", Static).render())
        assert "at most 254 characters" in message
        assert app.screen.focused is email and len(email.value) == 10_012
        email.value = "biuro@autoserwis.pl"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
    assert _client(demo_db_path, NO_OPEN_JOBS)["email"] == "biuro@autoserwis.pl"


async def _promise(pilot: Any, reason: str) -> None:
    await settle(pilot)
    assert isinstance(pilot.app.screen, CallbackDialog)
    reason_input = pilot.app.screen.query_one("#callback-reason", Input)
    reason_input.value = ""
    reason_input.focus()
    await type_text(pilot, reason)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_callback_is_promised_from_the_board_the_client_page_and_the_call_log(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    await ring(demo_db_path, clock, prices, "601 234 567")  # Kancelaria's number
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        selected = board.selected_line()
        assert selected is not None
        await pilot.press("ctrl+b")
        await _promise(pilot, "Oferta na serwis")
        assert app.screen is board
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("ctrl+b")
        await _promise(pilot, "Umowa do podpisu")
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("escape", "l")
        await settle(pilot)
        assert isinstance(app.screen, CallLogScreen)
        await pilot.press("ctrl+b")
        await _promise(pilot, "Pytal o drukarke")
        await pilot.press("escape", "b")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        table = app.screen.query_one("#cb-table", DataTable)
        shown = " ".join(str(table.get_row_at(i)) for i in range(table.row_count))
        for reason in ("Oferta na serwis", "Umowa do podpisu", "Pytal o drukarke"):
            assert reason in shown
    rows = query(demo_db_path, "SELECT client_id, call_id, reason FROM callback ORDER BY id")
    assert [r["client_id"] for r in rows[:2]] == [selected.row.job.client_id] * 2
    assert rows[2]["call_id"] is not None and rows[2]["client_id"] == 1


async def test_the_callback_commands_are_in_f1_and_the_palette(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "(^b)" in commands["New callback"].help
        assert "(b)" in commands["Call back"].help  # the list
        assert isinstance(commands["New callback"], SystemCommand)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "New callback")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallbackDialog)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "`^b` | New callback" in app.screen.query_one(Markdown).source
        await pilot.press("escape")
        app.push_screen(ClientScreen(NO_OPEN_JOBS))
        await settle(pilot)
        assert "(^b)" in {c.title: c for c in app.get_system_commands(app.screen)}["Call back"].help


async def test_f1_and_the_palette_say_reactivate_for_an_archived_client(
    ctx_factory: Any,
) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ClientScreen(NO_OPEN_JOBS))
        await settle(pilot)
        await pilot.press("x", "y")
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Reactivate" in titles and "Archive" not in titles
        await pilot.press("f1")
        await settle(pilot)
        text = app.screen.query_one(Markdown).source
        assert "`x` | Reactivate" in text and "Archive" not in text


async def test_a_missed_call_is_on_the_callback_list(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    await ring(demo_db_path, clock, prices, "601 234 567")
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("m")  # marked twice: still one callback
        await settle(pilot)
        await pilot.press("escape", "b")
        await settle(pilot)
        assert isinstance(app.screen, CallbacksScreen)
        table = app.screen.query_one("#cb-table", DataTable)
        rows = [str(table.get_row_at(i)) for i in range(table.row_count)]
        assert len([r for r in rows if "Missed call" in r]) == 1
    call = query(demo_db_path, "SELECT * FROM call_log")[0]
    assert call["outcome"] == "missed"
    cb = query(demo_db_path, "SELECT * FROM callback")
    assert [(c["call_id"], c["e164"]) for c in cb] == [(call["id"], "+48601234567")]


async def test_the_callback_dialogs_prefilled_fields_are_labelled(ctx_factory: Any) -> None:
    """The tester's example: both fields come filled in, so their placeholders never show."""
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(CallbackDialog("Jan Kowalski", "Oddzwonić w sprawie drukarki"))
        await settle(pilot)
        labels = [str(w.render()) for w in app.screen.query(".field-label")]
        assert labels == ["Why", "Call back by"]
        assert app.screen.query_one("#callback-reason", Input).value
        assert app.screen.query_one("#callback-when", Input).value
