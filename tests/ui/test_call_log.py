from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from bbdispatch.clock import FrozenClock
from bbdispatch.pricelist import PriceList
from screens.call_log import CallLogScreen
from screens.intake import IntakeScreen
from tests.helpers import dispatcher_after, query, ring, settle, settle_until


async def test_call_log_lists_calls_and_marks_missed_and_information(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    await ring(demo_db_path, clock, prices, "601 234 567")
    await ring(demo_db_path, clock, prices, "anonymous")
    async with dispatcher_after(ctx_factory, "l") as (app, pilot):
        assert isinstance(app.screen, CallLogScreen)
        table = app.screen.query_one("#call-table", DataTable)
        assert table.row_count == 2
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(2)]
        assert rows[0][1] == "anonymous"
        assert rows[0][2] == "(unknown)"
        assert "Kancelaria" in rows[1][2]
        assert rows[1][3] == "waiting"
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("down", "i")
        await settle(pilot)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(2)]
        assert [r[3] for r in rows] == ["missed", "information"]
        # A handled call is not taken again; Esc goes back to the board.
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, CallLogScreen)
        await pilot.press("escape")
        await settle(pilot)
    outcomes = query(demo_db_path, "SELECT outcome FROM call_log ORDER BY id")
    assert [r["outcome"] for r in outcomes] == ["information", "missed"]


async def test_information_only_call_from_the_intake(ctx_factory: Any, demo_db_path: Path) -> None:
    async with dispatcher_after(ctx_factory, "f2", *"601234567") as (app, pilot):
        await pilot.press(*"hours", "ctrl+o")
        await settle(pilot)
        assert not isinstance(app.screen, IntakeScreen)
    call = query(demo_db_path, "SELECT * FROM call_log")[0]
    assert (call["outcome"], call["client_id"], call["note"]) == ("information", 1, "hours")
    assert call["job_id"] is None


async def test_changing_a_recorded_outcome_asks_and_says_what_it_was(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList
) -> None:
    """Issue 13: ``m``/``i`` on a handled call changed its outcome without asking."""
    from screens.widgets.confirm import ConfirmScreen
    from screens.widgets.plain import Plain

    await ring(demo_db_path, clock, prices, "601 234 567")
    async with dispatcher_after(ctx_factory, "l") as (app, pilot):
        await pilot.press("i")  # a waiting call: marked at once
        await settle(pilot)
        assert isinstance(app.screen, CallLogScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Plain).render())
        assert "recorded as information" in question and "missed" in question, question
        await pilot.press("n")
        await settle(pilot)
        assert query(demo_db_path, "SELECT outcome FROM call_log")[0]["outcome"] == "information"
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert query(demo_db_path, "SELECT outcome FROM call_log")[0]["outcome"] == "missed"
        await pilot.press("m")  # the same outcome again: nothing to ask, nothing changes
        await settle(pilot)
        assert isinstance(app.screen, CallLogScreen)


async def test_header_names_the_take_key_as_the_footer_does(
    ctx_factory: Any, demo_db_path: Path, clock: FrozenClock, prices: PriceList, polish: None
) -> None:
    # Issue 16: the header said "Enter odbierz" while the footer said "t Odbierz".
    from textual.widgets import Static

    await ring(demo_db_path, clock, prices, "601 234 567")
    async with dispatcher_after(ctx_factory, "l") as (app, pilot):
        assert isinstance(app.screen, CallLogScreen)
        header = str(app.screen.query_one("#calls-summary", Static).render())
        footer = {b.binding.id: b for b in app.screen.active_bindings.values()}
        take = footer["calls-take"]
        assert f"{take.binding.key}/Enter {take.binding.description}" in header, header
        assert "t/Enter Odbierz" in header, header
        assert "odbierz" not in header  # one wording, the footer's


async def test_the_call_log_shows_the_note_and_n_edits_it_without_erasing(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """Issue 14: the note was invisible at 80 columns and ``n`` opened empty, saving ""."""
    from textual.widgets import Input

    from screens.note_prompt import NotePrompt
    from screens.widgets.plain import Plain

    async with dispatcher_after(ctx_factory, "f2", *"601234567") as (app, pilot):
        await pilot.press(*"Pyta o fakture", "ctrl+o")
        await settle(pilot)
        await pilot.press("l")
        await settle_until(pilot, lambda: isinstance(app.screen, CallLogScreen))
        detail = app.screen.query_one("#call-note", Plain)
        await settle_until(pilot, lambda: "Pyta o fakture" in str(detail.render()))
        assert "Pyta o fakture" in str(detail.render())
        assert detail.region.width > 0 and detail.region.height > 0
        await pilot.press("n")
        await settle_until(pilot, lambda: isinstance(app.screen, NotePrompt))
        assert app.screen.query_one("#note-input", Input).value == "Pyta o fakture"
        await pilot.press("enter")  # unchanged: nothing saved, nothing audited
        await settle_until(pilot, lambda: isinstance(app.screen, CallLogScreen))
        await pilot.press("n")
        await settle_until(pilot, lambda: isinstance(app.screen, NotePrompt))
        await pilot.press("end", *" za listopad", "enter")
        await settle_until(pilot, lambda: "listopad" in str(detail.render()))
        assert "Pyta o fakture za listopad" in str(detail.render())
    call = query(demo_db_path, "SELECT note FROM call_log")[0]
    assert call["note"] == "Pyta o fakture za listopad"
    noted = query(
        demo_db_path, "SELECT * FROM audit_log WHERE entity = 'call' AND action = 'noted'"
    )
    assert len(noted) == 1


SPOOF = '{"bb:msg":"call.interrupted_typed","text":"SPOOF"}'


async def test_the_call_log_words_a_system_note_and_shows_a_typed_one_as_typed(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """A stored message reads in words (line and editor); a note typed as one reads as typed."""
    import sqlite3

    from textual.widgets import Input

    from bbdispatch.domain.messages import stored
    from screens.note_prompt import NotePrompt
    from screens.widgets.plain import Plain

    async with dispatcher_after(ctx_factory, "f2", *"601234567") as (app, pilot):
        await pilot.press("ctrl+o")
        await settle(pilot)
        with sqlite3.connect(demo_db_path) as conn:  # as closing the intake unsaved leaves it
            conn.execute(
                "UPDATE call_log SET note = ?",
                (stored("call.closed_without_job_typed", text="Drukarka"),),
            )
        await pilot.press("l")
        await settle_until(pilot, lambda: isinstance(app.screen, CallLogScreen))
        detail = app.screen.query_one("#call-note", Plain)
        await settle_until(pilot, lambda: "Drukarka" in str(detail.render()))
        assert str(detail.render()) == "Note: Closed without a job: Drukarka"
        await pilot.press("n")
        await settle_until(pilot, lambda: isinstance(app.screen, NotePrompt))
        field = app.screen.query_one("#note-input", Input)
        assert field.value == "Closed without a job: Drukarka"
        field.value = SPOOF
        await pilot.press("enter")
        await settle_until(pilot, lambda: "SPOOF" in str(detail.render()))
        assert str(detail.render()) == f"Note: {SPOOF}"
        await pilot.press("n")
        await settle_until(pilot, lambda: isinstance(app.screen, NotePrompt))
        assert app.screen.query_one("#note-input", Input).value == SPOOF
    note = query(demo_db_path, "SELECT note FROM call_log")[0]["note"]
    assert "bb:msg" in note and note != SPOOF  # kept, but never as the system's message
