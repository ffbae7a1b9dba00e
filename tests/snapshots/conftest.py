"""What every snapshot test shares: a cursor that does not blink.

An input's cursor blinks every half second. On a loaded machine the picture may
be taken after a blink, and the same screen then differs only by the cursor;
holding the cursor visible makes each snapshot depend on the screen alone.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep inputs' and text areas' cursors visible instead of blinking."""

    def keep_visible(self: Input | TextArea) -> None:
        self._cursor_visible = True

    monkeypatch.setattr(Input, "_toggle_cursor", keep_visible)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", keep_visible)
