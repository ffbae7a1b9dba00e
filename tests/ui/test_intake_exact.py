"""The intake's flow is exact (issue 13): a ring never takes a form's keys, ctrl+c says plainly."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.widgets import Input

from screens.intake import IntakeScreen
from tests.helpers import dispatcher_after, make_app, settle


async def test_ctrl_c_in_the_intake_names_the_quit_key_without_markup(
    ctx_factory: Any, demo_db_path: Path, polish: None
) -> None:
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        assert isinstance(app.screen, IntakeScreen)
        for focused in ("#phone", "#triage"):
            app.screen.query_one(focused).focus()
            await settle(pilot)
            app.clear_notifications()
            await pilot.press("ctrl+c")
            await settle(pilot)
            shown = [n.message for n in app._notifications]
            if focused == "#triage":
                assert shown, "ctrl+c said nothing"
            for message in shown:
                assert "[b]" not in message and "[/b]" not in message, message
                assert "to quit the app" not in message, message  # in Polish
                assert "^q" in message or "ctrl+q" in message, message


def _intakes(app: Any) -> list[IntakeScreen]:
    return [s for s in app.screen_stack if isinstance(s, IntakeScreen)]


def _ring_work(app: Any) -> bool:
    return any(w.group in {"ring-watch", "ring-next"} and not w.is_finished for w in app.workers)


async def until(pilot: Any, condition: Any) -> None:
    """Settle until ``condition()`` holds (a bound generous for a loaded machine)."""
    async with asyncio.timeout(30):
        while not condition():
            await settle(pilot)


async def test_a_ring_waits_behind_a_form_in_use_and_never_takes_its_keys(
    ctx_factory: Any,
) -> None:
    """Typing in a job edit form, a ring came: the intake popped over it and took `defghi`."""
    from bbdispatch.services.board import job_detail
    from bbdispatch.services.intake import record_ring
    from screens.job_edit import JobEditScreen

    app = make_app(ctx_factory)
    app.NOTIFICATION_TIMEOUT = 300  # the notice stays up however slow the machine
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(JobEditScreen(await job_detail(app.ctx, 12)))
        await settle(pilot)
        field = app.screen.query_one("#edit-description", Input)
        field.focus()
        before = field.value
        await pilot.press("space", "a", "b", "c")
        call_id, _match = await record_ring(app.ctx, "12 422 33 44")
        app.data_changed.publish(None)  # what the App does when it sees the commit
        await pilot.press("d", "e", "f")
        await until(pilot, lambda: not _ring_work(app))
        await pilot.press("g", "h", "i")
        await settle(pilot)
        assert isinstance(app.screen, JobEditScreen)
        assert field.value == before + " abcdefghi"
        assert _intakes(app) == []
        notices = [str(n.message) for n in app._notifications if "waiting" in str(n.message)]
        assert notices == ["1 call waiting: F3 opens it now, or it opens on the board."]
        await pilot.press("f3")  # asked for: it opens over the form
        await until(pilot, lambda: bool(_intakes(app)) and not _ring_work(app))
        intake = _intakes(app)[0]
        assert intake._call is not None and intake._call.id == call_id
        assert app.screen is intake


async def test_a_ring_waiting_behind_a_form_opens_when_the_board_shows(
    ctx_factory: Any,
) -> None:
    from bbdispatch.services.intake import record_ring
    from screens.board import BoardScreen
    from screens.job_edit import JobEditScreen

    async with dispatcher_after(ctx_factory) as (app, pilot):
        from bbdispatch.services.board import job_detail

        await app.push_screen(JobEditScreen(await job_detail(app.ctx, 12)))
        await settle(pilot)
        call_id, _match = await record_ring(app.ctx, "12 422 33 44")
        app.data_changed.publish(None)
        await until(pilot, lambda: not _ring_work(app))
        assert _intakes(app) == []
        await pilot.press("escape")  # nothing changed: the form closes, the board shows
        await until(pilot, lambda: bool(_intakes(app)))
        intake = _intakes(app)[0]
        assert intake._call is not None and intake._call.id == call_id
        assert isinstance(app.screen_stack[-2], BoardScreen)


async def test_a_call_taken_by_hand_is_logged_as_the_intake_opens(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """F2 logged nothing until the intake closed: a session that died lost the call."""
    from tests.helpers import query

    def manual() -> list[Any]:
        return query(demo_db_path, "SELECT * FROM call_log WHERE source = 'manual'")

    async with dispatcher_after(ctx_factory) as (app, pilot):
        await pilot.press("f2")
        await until(pilot, lambda: len(manual()) == 1)
        assert manual()[0]["outcome"] == "pending"
        await pilot.press("escape")  # untouched: no call, the row goes
        await until(pilot, lambda: not _intakes(app))
        await until(pilot, lambda: manual() == [])
        await pilot.press("f2")
        await until(pilot, lambda: len(manual()) == 1)
        await pilot.press(*"601234567")
        await settle(pilot)
        await pilot.press("P", "c", "enter", "r", "1", "enter")
        await until(pilot, lambda: not _intakes(app))
    calls = manual()
    assert len(calls) == 1  # the row logged on opening became the saved call
    call = calls[0]
    assert (call["outcome"], call["e164"], call["raw_number"]) == (
        "job_created", "+48601234567", "601 234 567",
    )  # fmt: skip
    assert call["job_id"] is not None


async def test_the_call_log_reads_a_call_left_by_a_dead_session_as_interrupted(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    from textual.widgets import DataTable

    from bbdispatch.services.intake import open_call_by_hand
    from screens.call_log import CallLogScreen

    async with dispatcher_after(ctx_factory) as (app, pilot):
        live = await open_call_by_hand(app.ctx, app.ctx.clock.now())
        dead = await open_call_by_hand(app.ctx, app.ctx.clock.now())
        import sqlite3

        with sqlite3.connect(demo_db_path) as conn:  # as a process long gone wrote it
            conn.execute(
                "UPDATE call_log SET note = ? WHERE id = ?",
                ('{"bb:msg":"call.being_taken","session":"' + _this_host() + ':1:0"}', dead),
            )
        await app.push_screen(CallLogScreen())
        await settle(pilot)
        table = app.screen.query_one("#call-table", DataTable)
        outcome = {
            int(str(key.value)): str(table.get_cell(key, "outcome"))
            for key in table.rows
            if key.value in (str(live), str(dead))
        }
        assert outcome == {live: "being taken", dead: "interrupted"}


def _this_host() -> str:
    import socket

    return socket.gethostname()


async def test_what_is_typed_in_an_f2_intake_is_on_its_call_once_typing_pauses(
    ctx_factory: Any, demo_db_path: Path, monkeypatch: Any
) -> None:
    """Issue 13: kill -9 after typing a number and a request left the call with neither."""
    import json
    import sqlite3

    import screens.intake
    from bbdispatch.services.intake import get_call
    from tests.helpers import query, type_text

    monkeypatch.setattr(screens.intake, "DRAFT_PAUSE", 0.05, raising=False)

    def manual() -> list[Any]:
        return query(demo_db_path, "SELECT * FROM call_log WHERE source = 'manual'")

    async with dispatcher_after(ctx_factory) as (app, pilot):
        await pilot.press("f2")
        await until(pilot, lambda: len(manual()) == 1)
        await pilot.press(*"426301122")
        await until(pilot, lambda: manual()[0]["e164"] == "+48426301122")
        app.screen.query_one("#description", Input).focus()
        await type_text(pilot, "Serwer nie wstaje")
        await until(pilot, lambda: "Serwer" in manual()[0]["note"])
        call = manual()[0]
        assert (call["outcome"], call["raw_number"]) == ("pending", "42 630 11 22")
        note = json.loads(call["note"])
        assert (note["bb:msg"], note["text"]) == ("call.being_taken_typed", "Serwer nie wstaje")
        # As after a kill -9: the session is gone; the call is taken again from the call log.
        with sqlite3.connect(demo_db_path) as conn:
            conn.execute(
                "UPDATE call_log SET note = ? WHERE id = ?",
                (json.dumps({**note, "session": _this_host() + ":1:0"}), call["id"]),
            )
        _intakes(app)[0].dismiss(None)
        await until(pilot, lambda: not _intakes(app))
        await app.push_screen(IntakeScreen(await get_call(app.ctx, call["id"])))
        await settle(pilot)
        assert app.screen.query_one("#description", Input).value == "Serwer nie wstaje"
