from __future__ import annotations

from textual.widgets import Input, Static

from bbdispatch.app import BBDispatch
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.i18n import set_language
from bbdispatch.services.audit import trail
from bbdispatch.services.jobs import get_job
from screens.assign import AssignScreen
from screens.board import BoardScreen
from screens.job_detail import JobDetailScreen
from screens.note_prompt import NotePrompt
from tests.helpers import DISPATCHER, add_callbacks_due, cell, settle, settle_until, shown_ids

MAREK, ANNA = 3, 1


def _status(app: BBDispatch, job_id: int) -> str:
    """The status cell without the narrow layout's ellipsis."""
    return cell(app, job_id, "status").rstrip("…")


async def _board(app: BBDispatch) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


async def test_assign_then_reassign_with_a_clash_warning(ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = await _board(app)
        assert board.select_job(17)  # Zielińska, on-site hardware, triaged
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AssignScreen)
        picker = app.screen
        assert picker.found[0].person.login == "bogdan"  # skilled, free, goes on site
        await pilot.press("down")  # Marek
        await settle(pilot)
        visit = picker.query_one("#visit", Input)
        visit.value = "25.11.2026 10:30"  # Marek is at the Kancelaria tomorrow at 10:00
        await settle(pilot)
        warning = str(picker.query_one("#visit-warning", Static).render())
        assert "job 12" in warning
        assert "Kancelaria" in warning
        visit.value = "25.11.2026 14:00"
        await settle(pilot)
        # No clash; the job was due yesterday, which the dialog says.
        assert str(picker.query_one("#visit-warning", Static).render()) == (
            "⚠ The response target passed at 23/11/2026 16:00: the job is late."
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        job = await get_job(app.ctx, 17)
        assert job.technician_id == MAREK
        assert job.status is JobStatus.ASSIGNED
        assert cell(app, 17, "tech") == "Marek"
        assert "assigned".startswith(_status(app, 17))

        await pilot.press("a")  # hand over to Anna
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, AssignScreen)
        anna = next(i for i, c in enumerate(picker.found) if c.person.id == ANNA)
        for _ in range(anna - picker.found.index(picker._chosen())):  # type: ignore[arg-type]
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert (await get_job(app.ctx, 17)).technician_id == ANNA
        actions = [a.action for a in await trail(app.ctx, "job", 17)]
        assert actions[-2:] == ["assigned", "reassigned"]
        assert cell(app, 17, "tech") == "Anna"


async def test_lifecycle_keys_walk_a_job_to_done(ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = await _board(app)
        board.select_job(13)  # new, remote emergency
        await pilot.press("t")
        await settle(pilot)
        assert "triaged".startswith(_status(app, 13))
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # best match
        await settle(pilot)
        assert "assigned".startswith(_status(app, 13))
        await pilot.press("s")
        await settle(pilot)
        assert "in progress".startswith(_status(app, 13))
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, NotePrompt)
        await pilot.press(*"klient", "enter")
        await settle_until(pilot, lambda: "on hold".startswith(_status(app, 13)))
        assert "on hold".startswith(_status(app, 13))
        assert cell(app, 13, "left").startswith("‖")  # the response clock is paused
        await pilot.press("s")
        await settle(pilot)
        assert "in progress".startswith(_status(app, 13))
        await pilot.press("d")
        await settle(pilot)
        await pilot.press(*"OK", "enter")
        await settle(pilot)
        assert 13 not in shown_ids(app)
        job = await get_job(app.ctx, 13)
        assert job.status is JobStatus.DONE
        assert job.resolution == "OK"


async def test_other_keys_cancel_hold_and_unassign(ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = await _board(app)
        board.select_job(12)  # assigned
        await pilot.press("h", *"toner", "enter")
        await settle(pilot)
        assert "on hold".startswith(_status(app, 12))
        board.select_job(16)  # assigned → back to triaged un-assigns, once confirmed
        await pilot.press("t", "y")
        await settle(pilot)
        assert "triaged".startswith(_status(app, 16))
        assert cell(app, 16, "tech") == "—"
        board.select_job(14)  # triaged → cancelled needs a reason
        await pilot.press("x", "enter")
        await settle(pilot)
        assert "cannot be empty" in str(app.screen.query_one("#note-error", Static).render())
        await pilot.press(*"duplikat", "enter")
        await settle(pilot)
        assert 14 not in shown_ids(app)
        assert (await get_job(app.ctx, 14)).status_reason == "duplikat"


async def test_illegal_step_and_close_without_resolution_are_refused(ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = await _board(app)
        board.select_job(14)  # triaged: "done" is not a next step
        assert board.check_action("set_status", ("done",)) is None
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert "triaged".startswith(_status(app, 14))
        board.select_job(18)  # in progress, timer running
        await pilot.press("d", "enter")  # empty resolution
        await settle(pilot)
        assert isinstance(app.screen, NotePrompt)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d", *"zrobione", "enter")  # timer still running
        await settle(pilot)
        assert (await get_job(app.ctx, 18)).status is JobStatus.IN_PROGRESS
        assert "in progress".startswith(_status(app, 18))


async def test_filters_and_incremental_search(ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"bilans")
        await settle(pilot)
        assert shown_ids(app) == [13]
        summary = str(app.screen.query_one("#board-summary", Static).render())
        assert "Showing 1 of 8" in summary
        await pilot.press("escape")
        await settle(pilot)
        assert len(shown_ids(app)) == 8
        filter_input = app.screen.query_one("#board-filter", Input)
        for typed, expected in [
            ("s:assigned", [12, 16]),
            ("t:anna", [11, 15]),
            ("t:-", [13, 17, 14]),
            ("m:remote s:in", [18]),
            ('c:"Szkoła Językowa"', [14]),
            ("c:lingwa", [14]),
            ("rejestracja", [11]),
            ("drukarka t:marek", [12]),
        ]:
            filter_input.value = typed
            await settle(pilot)
            assert shown_ids(app) == expected, typed


async def test_detail_shows_everything_and_edits_are_audited(ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        board = await _board(app)
        board.select_job(15)  # Apteka, on hold, with work done
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen)
        text = str(app.screen.query_one("#detail", Static).render())
        expected_bits = [
            "Apteka Pod Lipami",
            "Monika Krawczyk",
            "Computer network service, per hour",
            "Pomiar łącza",
            "Total worked 0.75 h",
            "Czekamy na technika",
            "on hold",
            "created",
        ]
        for expected in expected_bits:
            assert expected in text, expected
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#edit-description", Input).value = "Wolny internet w całej aptece"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen)
        text = str(app.screen.query_one("#detail", Static).render())
        assert "Wolny internet w całej aptece" in text
        assert "edited" in text
        await pilot.press("escape")
        await settle(pilot)
        assert cell(app, 15, "description").startswith("Wolny")


async def test_palette_jumps_to_a_job_by_number(ctx_factory) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"12")
        await pilot.pause(0.6)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen)
        assert app.screen.job_id == 12


async def test_the_summary_fits_80_columns_with_a_filter_and_callbacks_due(
    ctx_factory, demo_db_path
) -> None:
    add_callbacks_due(demo_db_path)  # two, as the tester had
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"kancelaria")
        await settle(pilot)
        summary = app.screen.query_one("#board-summary", Static)
        text = str(summary.render())
        assert text.startswith("Showing 1 of 8 · ") and text.endswith("call back 2 (b)")
        line = summary.render_line(0).text.strip()
        assert line == text, line  # whole, not cut with … (the tester's finding)
        set_language("pl")
        try:
            await pilot.press("escape", "slash", *"kancelaria")
            await settle(pilot)
            text = str(summary.render())
            assert text.startswith("Widać 1 z 8 · ") and text.endswith("oddzwonić: 2 (b)")
            assert summary.render_line(0).text.strip() == text
        finally:
            set_language("en")
