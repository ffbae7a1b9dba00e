"""F1 and the palette list every action of the screen, from its real bindings.

F1 used to close on any key (so it could not be scrolled), listed the App's
keys a technician has not (F2, IT administration), missed the intake's triage
keys (handled in the bar's ``on_key``) and showed raw filter codes
(``m:onsite|remote``); the palette offered only Textual's commands.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from bbdispatch.app import PALETTE_SKIPS, BBDispatch
from bbdispatch.domain.jobs import Priority
from bbdispatch.domain.people import Technician
from bbdispatch.i18n import _, choose_language
from screens.help import HelpScreen
from screens.widgets.triage_bar import TriageBar
from tests.helpers import DISPATCHER, settle

SCREENS: dict[str, tuple[str, ...]] = {
    "board": (),
    "job detail": ("enter",),
    "intake": ("f2",),
    "caller card": ("f2", *"601234567"),
    "client page": ("k",),
    "contracts": ("c",),
    "statement": ("c", "s"),
    "call log": ("l",),
    "callbacks": ("b",),
    "IT administration": ("i", "enter"),
}
"""Keys from the board to each main screen of the dispatcher."""

TEXTUAL_OWN = {"app.focus_next", "app.focus_previous", "screen.copy_text"}
"""Textual's keys of every screen (Tab, copy): not actions of ours, not listed."""


def _rows(markdown: str) -> set[tuple[str, str]]:
    """(key, action) of every row of F1's key tables."""
    return {
        (m.group(1), m.group(2).strip())
        for m in re.finditer(r"^\| `([^`]+)` \| ([^|]+) \|", markdown, flags=re.MULTILINE)
    }


def _expected(app: BBDispatch) -> set[tuple[str, str]]:
    """What F1 must list, read from the bindings Textual would act on right now.

    The screen's and the App's active bindings (focus taken away, so no field's
    editing keys) plus every binding of the intake's triage bar.
    """
    screen = app.screen
    found = set()
    for _key, (_node, binding, _enabled, _tip) in screen.active_bindings.items():
        if binding.description and binding.action not in TEXTUAL_OWN:
            found.add((app.get_key_display(binding), binding.description))
    for bar in screen.query(TriageBar):
        for bindings in bar._bindings.key_to_bindings.values():
            found |= {(app.get_key_display(b), _(b.description)) for b in bindings}
    return found


async def _help_of(app: BBDispatch, pilot: Any, keys: tuple[str, ...]) -> str:
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    app.set_focus(None)
    await settle(pilot)
    await pilot.press("f1")
    await settle(pilot)
    assert isinstance(app.screen, HelpScreen)
    return "\n".join(m.source for m in app.screen.query(Markdown))


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("screen", list(SCREENS))
async def test_f1_lists_exactly_the_keys_the_screen_has(
    ctx_factory: Any, language: str, screen: str
) -> None:
    choose_language(language)
    try:
        app = BBDispatch(ctx_factory(), DISPATCHER)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for key in SCREENS[screen]:
                await pilot.press(key)
                await settle(pilot)
            app.set_focus(None)
            await settle(pilot)
            expected = _expected(app)
            text = await _help_of(app, pilot, ())
            assert _rows(text) == expected
            assert "onsite|remote" not in text
    finally:
        choose_language("en")


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_f1_in_the_intake_lists_the_triage_keys_by_purpose(
    ctx_factory: Any, language: str
) -> None:
    choose_language(language)
    try:
        app = BBDispatch(ctx_factory(), DISPATCHER)
        async with app.run_test(size=(80, 24)) as pilot:
            text = await _help_of(app, pilot, ("f2",))
        keys = {key for key, _action in _rows(text)}
        assert set("oreln123456c") <= keys
        triage = text.split("## " + _("Triage bar"))[1].split("## ")[0]
        assert f"| `e` | {_('emergency')} | {_('Priority')} |" in triage
        assert f"| `r` | {_('remote')} | {_('Mode')} |" in triage
        groups = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
        assert groups[:4] == [_("The call"), _("The caller"), _("Triage bar"), _("Everywhere")]
        call = text.split("## " + _("The call"))[1].split("## ")[0]
        assert f"| `^s` | {_('Save job')} |" in call and f"| `^o` | {_('Info only')} |" in call
    finally:
        choose_language("en")


async def test_f1_on_the_board_is_grouped_by_purpose(ctx_factory: Any) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await _help_of(app, pilot, ())
    groups = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert groups[:4] == ["Calls", "The selected job", "Find and show", "Everywhere"]
    calls = text.split("## Calls")[1].split("## ")[0]
    assert "| `f2` | New call |" in calls and "| `l` | Calls |" in calls
    assert "`m:remote`" in text and "onsite|remote" not in text


async def test_f1_scrolls_with_the_keys_and_closes_with_escape(ctx_factory: Any) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await _help_of(app, pilot, ())
        help_screen = app.screen
        scroll = help_screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 0, "the board's help is longer than one screen"
        await pilot.press("pagedown")
        await settle(pilot)
        assert app.screen is help_screen and scroll.scroll_y > 0
        after_page = scroll.scroll_y
        await pilot.press("down", "a", "x", "i", "enter")  # i: IT administration on the board
        await settle(pilot)
        assert app.screen is help_screen and scroll.scroll_y > after_page
        await pilot.press("home")
        await settle(pilot)
        assert scroll.scroll_y == 0
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await settle(pilot)
        await pilot.press("f1")  # F1 again closes it, never a second help
        await settle(pilot)
        assert not any(isinstance(s, HelpScreen) for s in app.screen_stack)


@pytest.mark.parametrize("language", ["en", "pl"])
async def test_technicians_f1_shows_only_their_own_actions(
    ctx_factory: Any, anna: Technician, language: str
) -> None:
    choose_language(language)
    try:
        app = BBDispatch(ctx_factory("anna"), anna, mode="technician")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.set_focus(None)
            await settle(pilot)
            expected = _expected(app)
            text = await _help_of(app, pilot, ())
        rows = _rows(text)
        assert rows == expected
        keys = {key for key, _action in rows}
        assert {"t", "m", "e", "p", "h", "d", "f1", "^p", "^q"} == keys
        assert _("Start phone intake") not in text and _("Assign") not in {a for _k, a in rows}
        groups = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
        assert groups[:3] == [_("My time"), _("The selected job"), _("Everywhere")]
    finally:
        choose_language("en")


def _palette(app: BBDispatch) -> dict[str, str]:
    return {c.title: c.help for c in app.get_system_commands(app.screen)}


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("screen", list(SCREENS))
async def test_the_palette_offers_every_action_of_the_screen(
    ctx_factory: Any, language: str, screen: str
) -> None:
    choose_language(language)
    try:
        app = BBDispatch(ctx_factory(), DISPATCHER)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for key in SCREENS[screen]:
                await pilot.press(key)
                await settle(pilot)
            app.set_focus(None)
            await settle(pilot)
            offered = _palette(app)
            missing = []
            for _key, (_node, binding, _on, _tip) in app.screen.active_bindings.items():
                if not binding.description or binding.action in TEXTUAL_OWN | PALETTE_SKIPS:
                    continue
                shown = app.get_key_display(binding)
                if f"({shown})" not in offered.get(binding.description, ""):
                    missing.append(f"{shown} {binding.description}")
            assert not missing
    finally:
        choose_language("en")


async def test_a_triage_key_from_the_palette_sets_the_priority(ctx_factory: Any) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        bar = app.screen.query_one(TriageBar)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        title = _("Triage bar") + ": " + _("emergency")
        assert "(e)" in commands[title].help
        assert bar.priority is Priority.NORMAL
        await commands[title].callback()  # type: ignore[misc]
        await settle(pilot)
        assert bar.priority is Priority.EMERGENCY


def test_triage_bindings_are_the_bars_keys() -> None:
    """The bar's bindings name exactly the keys its ``on_key`` handles (no drift)."""
    from screens.widgets.triage_bar import CATEGORY_KEYS, MODE_KEYS, PRIORITY_KEYS

    bound = {b.key for b in TriageBar.BINDINGS if isinstance(b, Binding)}
    assert {*MODE_KEYS, *PRIORITY_KEYS, *CATEGORY_KEYS, "c", "enter"} == bound
