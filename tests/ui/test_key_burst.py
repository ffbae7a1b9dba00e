"""A burst of keys on a dialog never pops the screen below.

The tester's crash: F1, then ``a b c d`` at once; help's first key dismissed
it and every later one dismissed again, popping the board (``ScreenStackError:
Can't pop screen``) or setting a result twice (``InvalidStateError``). Help now
closes only on Esc, F1 or q (other keys scroll it or do nothing), and a burst
of closing keys closes it once.
"""

from __future__ import annotations

from typing import Any

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Technician
from screens.board import BoardScreen
from screens.help import HelpScreen
from screens.tech_jobs import TechJobsScreen
from screens.widgets.confirm import ConfirmScreen
from tests.helpers import burst, make_app, settle


async def test_help_then_a_burst_keeps_the_board(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("f1")
        await settle(pilot)
        burst(app, *"abcd")
        await settle(pilot)
        assert app.is_running  # letters do nothing on help: none reaches the board
        assert isinstance(app.screen, HelpScreen)
        assert isinstance(app.screen_stack[1], BoardScreen)
        burst(app, "escape", "q", "f1")
        await settle(pilot)
        assert isinstance(app.screen_stack[1], BoardScreen)
        assert not any(isinstance(s, HelpScreen) for s in app.screen_stack[:-1])


async def test_help_then_a_burst_keeps_the_technicians_jobs(
    ctx_factory: Any, anna: Technician
) -> None:
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TechJobsScreen)
        await pilot.press("f1")
        await settle(pilot)
        burst(app, "x", "y", "escape", "escape", "q")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen_stack[1], TechJobsScreen)
        assert not any(isinstance(s, HelpScreen) for s in app.screen_stack)


async def test_a_second_dismiss_does_nothing(ctx_factory: Any) -> None:
    """The kind, not just help: any bbdispatch dialog dismissed twice pops once."""
    app = make_app(ctx_factory)
    answers: list[bool | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = ConfirmScreen("Close it?")
        app.push_screen(dialog, answers.append)
        await settle(pilot)
        dialog.dismiss(True)
        dialog.dismiss(False)
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert answers == [True]
