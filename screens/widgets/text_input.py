"""Text fields that take a burst of keys in the order it was typed.

Textual 8.2.8 applies the keys of one burst (a paste, a laggy SSH link) out of
order. The App forwards every key to the focused widget's queue as it reads it.
A printable key is inserted by the focused ``Input`` at once, but a bound key
(Backspace, Delete, arrows, Home/End, Enter, Tab…) first bubbles up the DOM,
one message queue per hop, and its binding runs only when it reaches the App.
By then the keys typed after it have been inserted: ``601234560``, then
Backspace and ``7`` in one read, leaves ``601234560`` (the ``7`` is inserted,
then deleted). Tab has the same fault: the letters typed after it land in the
field it left. ``docs/upstream/`` holds the reproduction for Textual.

The fix works at the one place every key of a field passes in order, the
field's own queue: a key the field does not insert itself runs its binding
there and then (the same binding chain, focused widget first, that the App
would walk); and a key that arrives after focus has moved on is passed to the
widget that has focus now. Every text field of ours is a ``TextInput`` or a
``TextEditor`` (``tests/ui/test_key_order.py`` checks the sources).
"""

from __future__ import annotations

from typing import Any, Protocol, overload, runtime_checkable

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.widgets.text_area import (
    Document,
    DocumentNavigator,
    EditResult,
    Location,
    WrappedDocument,
)

from bbdispatch.i18n import ngettext
from bbdispatch.text import joined_lines, printable_chars
from screens.key_gate import Typed, typed_again


@runtime_checkable
class KeyKeeper(Protocol):
    """An App that holds keys in order (:class:`screens.key_gate.KeyGate`)."""

    def give_back_key(self, event: Typed) -> None:
        """Take back a key (or paste) that reached a widget after focus left it; it goes on."""


def pass_on_if_focus_moved(widget: Widget, event: Typed) -> bool:
    """Pass a key (or paste) that arrived after focus left ``widget`` to whoever has focus now.

    The key goes back to the App's key gate when there is one, so it is
    delivered in order with the keys after it: handed straight to a widget
    that is no text field (the kind toggle, a checkbox), a bound key such as
    Tab would bubble up while the next letter was dropped there.

    Returns:
        True when the key was passed on (the caller must not handle it).
    """
    focused = widget.app.focused
    if focused is None or focused is widget:
        return False
    event.stop()
    event.prevent_default()
    again = typed_again(event)
    if isinstance(widget.app, KeyKeeper):
        widget.app.give_back_key(again)
    else:
        focused._forward_event(again)
    return True


async def _run_binding_now(widget: Widget, event: events.Key) -> None:
    """Run the key's binding now, in the field's queue, instead of after it bubbles up."""
    if event._stop_propagation or event._no_default_action:
        return  # the field handled it (a printable key was inserted)
    # App._check_bindings walks the same chain the bubbled key would reach:
    # the focused widget and its ancestors, then the screen and the App.
    if await widget.app._check_bindings(event.key):
        event.stop()
        event.prevent_default()


class TextInput(Input):
    r"""A one-line ``Input`` that keeps a burst of keys in order and shows controls literally.

    Tabbing into a filled field puts the cursor at its end instead of
    selecting all of it, so one stray key cannot replace a name (clicks and
    ``ctrl+a`` still select).

    Stored or pasted text with control characters in it (an ESC from a copied
    terminal line, a stored ``\x1b[2J``) is drawn as the rest of the app draws
    it (:func:`bbdispatch.text.printable_chars`: ``ESC`` → ``␛``), one cell per
    character, so the cursor, a selection and a click land where they are
    drawn. The value keeps what was typed or pasted; only the drawing changes
    (the App's line filter used to drop the control silently).

    A paste of several lines is kept whole, its lines joined with a space, and
    a toast says how many were joined (Textual's ``Input`` kept the first).
    """

    def __init__(self, *args: Any, select_on_focus: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, select_on_focus=select_on_focus, **kwargs)

    @property
    def _shown(self) -> str:
        """The value as drawn: each control character as its placeholder, one for one."""
        return printable_chars(self.value)

    @property
    def _value(self) -> Text:
        """The value drawn as text, controls as placeholders (a password stays dots)."""
        if self.password:
            return super()._value
        # _shown is printable_chars already, one character for one: cell()'s printable
        # folds CR LF, and the cursor counts characters of the value.
        shown = self._shown
        text = Text(shown, no_wrap=True, overflow="ignore", end="")  # literal-ok: printable
        return self.highlighter(text) if self.highlighter is not None else text

    def _position_to_cell(self, position: int) -> int:
        """The cell of a position in the value, counted in the text as drawn."""
        return cell_len(self._shown[:position])

    def _cell_offset_to_index(self, offset: int) -> int:
        """The position in the value of a cell (a click), counted in the text as drawn."""
        cell_offset = 0
        offset += self.scroll_offset.x
        for index, char in enumerate(self._shown):
            width = get_character_cell_size(char)
            if cell_offset <= offset < cell_offset + width:
                return index
            cell_offset += width
        return max(0, min(offset, len(self.value)))

    async def _on_key(self, event: events.Key) -> None:
        if pass_on_if_focus_moved(self, event):
            return
        await super()._on_key(event)
        await _run_binding_now(self, event)

    def _on_paste(self, event: events.Paste) -> None:
        """Insert a paste whole, as text: its lines joined on the one line, the toast says so.

        Textual's ``Input`` kept only a paste's first line (a dispatcher
        pasting an e-mail lost the rest without a word). The lines are joined
        with a space (:func:`bbdispatch.text.joined_lines`); a control character
        in them is kept and drawn as its placeholder, never acts as a key.
        """
        if pass_on_if_focus_moved(self, event):
            return
        event.stop()
        event.prevent_default()  # not Input._on_paste after this
        text, lines = joined_lines(event.text)
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)
        if lines > 1:
            self.notify(
                ngettext(
                    "{n} pasted line kept on one line; nothing was left out.",
                    "{n} pasted lines joined on one line; nothing was left out.",
                    lines,
                ).format(n=lines)
            )


class ShownDocument(Document):
    r"""A plain-text document that the editor lays out and draws with controls made visible.

    The lines the editor reads to draw, wrap and place the cursor are the
    stored lines through :func:`bbdispatch.text.printable_chars` (``ESC`` →
    ``␛``, one character for one, tabs kept), so every control takes the one
    cell it is drawn in; :attr:`text` and every edit keep the characters as
    typed, pasted or stored.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._shown: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """The lines as drawn: each control character as its placeholder."""
        if self._shown is None:
            self._shown = [printable_chars(line, tabs=True) for line in self._lines]
        return self._shown

    def get_size(self, tab_width: int) -> Size:
        """The size of the lines as drawn (a control takes its placeholder's cell)."""
        widths = [cell_len(line.expandtabs(tab_width)) for line in self.lines]
        return Size(max(widths, default=0), len(widths))

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        """Edit the stored text (as typed or pasted); the drawn lines follow."""
        self._shown = None
        return super().replace_range(start, end, text)

    @overload
    def __getitem__(self, line_index: int) -> str: ...

    @overload
    def __getitem__(self, line_index: slice) -> list[str]: ...

    def __getitem__(self, line_index: int | slice) -> str | list[str]:
        """A line (or lines) as drawn."""
        return self.lines[line_index]


class TextEditor(TextArea):
    r"""A multi-line ``TextArea`` that keeps a burst of keys in order and shows controls.

    Like :class:`TextInput`: a pasted or stored control character (``ESC``)
    is drawn as its placeholder (``␛``) and counts as one cell for the cursor,
    a selection and a click (:class:`ShownDocument`); :attr:`text` keeps what
    was typed or pasted.
    """

    def _set_document(self, text: str, language: str | None) -> None:
        """Open ``text`` in a :class:`ShownDocument` (a plain-text editor: no language)."""
        super()._set_document(text, language)
        if type(self.document) is not Document:
            return
        document = ShownDocument(text)
        self.document = document
        self.wrapped_document = WrappedDocument(document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()

    async def _on_key(self, event: events.Key) -> None:
        if pass_on_if_focus_moved(self, event):
            return
        await super()._on_key(event)
        await _run_binding_now(self, event)

    async def _on_paste(self, event: events.Paste) -> None:
        """Insert a paste as text where the cursor is (a paste that came late goes on)."""
        if pass_on_if_focus_moved(self, event):
            return
        await super()._on_paste(event)
        event.prevent_default()  # TextArea's own handler has run: not again
