"""A paste is text for the focused field, all of it, never keys (issue 13, "hostile text").

The tester pasted ``Opis\\x1b[31mczerwony\\x1b[0m\\tpo tabie e r 3`` into the
request: Textual's terminal parser cut the paste at its ESC and sent the rest
as keys, Tab moved to the triage bar and ``e r 3`` set emergency, remote and
network. A pasted e-mail kept only its first line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual._xterm_parser import XTermParser
from textual.widgets import Input

from bbdispatch.domain.jobs import Priority
from screens.board import BoardScreen
from screens.intake import IntakeScreen
from screens.widgets.triage_bar import TriageBar
from tests.helpers import dispatcher_after, newest_job, settle, settle_until

PASTED = "Opis\x1b[31mczerwony\x1b[0m\tpo tabie e r 3"
"""The tester's paste: a colour code copied from a terminal, a tab, letters that are triage keys."""


def intake(app: Any) -> IntakeScreen:
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


def request(app: Any) -> Input:
    return intake(app).query_one("#description", Input)


def read_from_terminal(app: Any, raw: str) -> None:
    """What the App's driver does with ``raw`` read from the terminal: parse it, post each event.

    The parser is the one the App's driver reads the terminal with (Textual's
    Linux driver names none: it uses ``XTermParser``).
    """
    parser = getattr(app.driver_class, "parser_class", XTermParser)()
    for event in parser.feed(raw):
        app.post_message(event)


async def test_a_bracketed_paste_with_escapes_stays_text_in_the_request(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    async with dispatcher_after(ctx_factory, "f2", *"601234567") as (app, pilot):
        assert app.focused is request(app)
        read_from_terminal(app, "\x1b[200~" + PASTED + "\x1b[201~")
        await settle_until(pilot, lambda: request(app).value != "")
        await settle(pilot)
        assert request(app).value == PASTED
        assert app.focused is request(app)
        triage = intake(app).query_one(TriageBar)
        assert (triage.mode, triage.priority, triage.category) == (None, Priority.NORMAL, None)
        await pilot.press("tab", "r", "1", "ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, BoardScreen))
    job, client = newest_job(demo_db_path)
    assert client.startswith("Kancelaria Notarialna Nowak")
    assert job["description"] == PASTED
    assert (job["mode"], job["priority"], job["category"]) == ("remote", "normal", "hardware")


async def test_a_pasted_control_character_shows_as_its_placeholder(ctx_factory: Any) -> None:
    async with dispatcher_after(ctx_factory, "f2", *"601234567") as (app, pilot):
        app.post_message(events.Paste(PASTED))
        await settle_until(pilot, lambda: request(app).value == PASTED)
        assert "Opis␛[31mczerwony␛[0m po tabie e r 3" in str(request(app).render_line(0).text)


async def test_a_pasted_e_mail_keeps_every_line_and_says_so(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    async with dispatcher_after(ctx_factory, "f2", *"601234567") as (app, pilot):
        app.post_message(events.Paste("Linia1\r\nLinia2 e r 3\n\n  Linia3\n"))
        await settle_until(pilot, lambda: request(app).value != "")
        assert request(app).value == "Linia1 Linia2 e r 3 Linia3"
        assert app.focused is request(app)
        toasts = [n.message for n in app._notifications]
        assert "3 pasted lines joined on one line; nothing was left out." in toasts
        await pilot.press("tab", "o", "2", "ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, BoardScreen))
    job, _client = newest_job(demo_db_path)
    assert job["description"] == "Linia1 Linia2 e r 3 Linia3"
    assert (job["mode"], job["category"]) == ("onsite", "software")


async def test_a_paste_into_any_one_line_field_keeps_every_line(ctx_factory: Any) -> None:
    """One rule in the widget: the new client's name and contact (TextInputs) too."""
    async with dispatcher_after(ctx_factory, "f2", "ctrl+n") as (app, pilot):
        name = intake(app).query_one("#nc-name", Input)
        assert app.focused is name
        app.post_message(events.Paste("Biuro\nRachunkowe Lis"))
        await settle_until(pilot, lambda: name.value != "")
        assert name.value == "Biuro Rachunkowe Lis"


async def test_a_paste_read_with_the_number_lands_in_the_request(ctx_factory: Any) -> None:
    """Digits then a paste in one read: the paste waits for the lookup the ninth digit starts."""
    async with dispatcher_after(ctx_factory, "f2") as (app, pilot):
        read_from_terminal(app, "601234567\x1b[200~Drukarka\nnie drukuje\x1b[201~")
        await settle_until(pilot, lambda: request(app).value != "")
        assert intake(app).query_one("#phone", Input).value == "601 234 567"
        assert request(app).value == "Drukarka nie drukuje"
