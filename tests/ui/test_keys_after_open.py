"""Keys that arrive in the same burst as the key opening a screen land on that screen.

The tester's case: ``tmux send-keys F2 '601234567'`` opened the intake with an
empty number: the digits reached the new screen before it had mounted and
focused its first field, and were dropped. The App now holds keys while the
screen on top is still opening and gives them to its focused field once it is.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from screens.intake import IntakeScreen
from tests.helpers import burst, make_app, settle


async def test_digits_sent_with_f2_land_in_the_callers_number(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "f2", *"601234567")
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.query_one("#phone", Input).value == "601 234 567"


async def test_a_name_typed_with_f2_lands_in_the_number_field(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"Jan Kowalski")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.query_one("#phone", Input).value == "Jan Kowalski"


async def test_text_sent_with_the_key_of_a_dialog_lands_in_its_first_field(
    ctx_factory: Any,
) -> None:
    from screens.callback_dialog import CallbackDialog

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "ctrl+b", *"oddzwonic")
        await settle(pilot)
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CallbackDialog)
        assert dialog.query_one("#callback-reason", Input).value.endswith("oddzwonic")


async def test_keys_after_choosing_private_in_one_burst_land_in_the_name(
    ctx_factory: Any,
) -> None:
    """The tester's ``BTab p Tab X`` in one write: the name got nothing.

    The keys after Shift+Tab reached the name field after focus had left it;
    passed straight to the kind toggle, Tab bubbled up while ``X`` was dropped
    there. They now go back through the App's gate, which keeps their order.
    """
    from screens.widgets.client_form import KindToggle

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"500100200")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert app.focused is screen.query_one("#nc-name", Input)
        burst(app, "shift+tab", "p", "tab", "X", "y")
        await settle(pilot)
        await settle(pilot)
        assert screen.query_one(KindToggle).kind.value == "private"
        assert screen.query_one("#nc-name", Input).value == "Xy"
        burst(app, "shift+tab", "c", "tab", "tab", "Z")
        await settle(pilot)
        await settle(pilot)
        assert screen.query_one(KindToggle).kind.value == "company"
        assert screen.query_one("#nc-contact", Input).value == "Z"
