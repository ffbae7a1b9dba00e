"""The multi-line editor shows control characters as every one-line field does (issue 13).

Found by a fresh tester: a notes field (``TextEditor``) hid a pasted ESC (the
App's line filter dropped it) while every ``TextInput`` shows it as ``␛``.
The editor now draws each control as its placeholder, one cell each, so the
cursor stands where it is drawn; what was pasted is what is saved.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.widgets import TextArea

from bbdispatch.text import printable_chars
from screens.client import ClientScreen
from screens.client_edit import ClientEditScreen
from tests.helpers import make_app, open_from, query, settle, settle_until
from tests.hostile import BIDI, CLEAR, OSC

NOWAK = 1
HOSTILE = f"Reset {CLEAR} i {OSC} dalej {BIDI}\x7f\x9b\x00 koniec"
"""ESC sequences, BEL, bidi overrides, DEL, CSI, NUL: no line break among them."""
SHOWN = "Reset ␛[2J i ␛]0;pwned␇ dalej ��␡�␀ koniec"


def screen_text(app: Any) -> str:
    return "\n".join(s.text for s in app.screen._compositor.render_strips())


async def test_pasted_controls_show_as_symbols_and_are_saved_as_pasted(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    assert printable_chars(HOSTILE) == SHOWN
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_from(app, pilot, ClientScreen(NOWAK), "e", ClientEditScreen)
        notes = screen.query_one("#ce-notes", TextArea)
        notes.load_text("")
        notes.focus()
        app.post_message(events.Paste(HOSTILE))  # as the terminal sends it
        await settle(pilot)
        assert notes.text == HOSTILE  # what was pasted is kept
        assert SHOWN in screen_text(app)
        assert not any(c in screen_text(app) for c in "\x1b\x07\x7f\x9b\x00\u202e")
        # The cursor stands after the last character as drawn, one cell per control.
        row, column = notes.cursor_location
        assert (row, column) == (0, len(HOSTILE))
        offset = notes.wrapped_document.location_to_offset(notes.cursor_location)
        assert offset.x == cell_len(SHOWN)
        await pilot.press("left", *"X")
        assert notes.text == HOSTILE[:-1] + "X" + HOSTILE[-1]
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: not isinstance(app.screen, ClientEditScreen))
    (saved,) = query(demo_db_path, "SELECT notes FROM client WHERE id = ?", (NOWAK,))
    assert saved[0] == HOSTILE[:-1] + "X" + HOSTILE[-1]


async def test_stored_controls_show_as_symbols_in_the_editor(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    with sqlite3.connect(demo_db_path) as conn:
        conn.execute("UPDATE client SET notes = ? WHERE id = ?", (HOSTILE, NOWAK))
    conn.close()
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_from(app, pilot, ClientScreen(NOWAK), "e", ClientEditScreen)
        notes = screen.query_one("#ce-notes", TextArea)
        assert notes.text == HOSTILE
        assert SHOWN in screen_text(app)
        assert notes.document.get_size(4).width == cell_len(SHOWN)
