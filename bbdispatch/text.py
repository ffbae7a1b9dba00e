r"""Stored text shown as text: terminal controls made visible, documents made inert.

Client names, job descriptions, call notes and technicians' names come from
phones, CSV files and people, so nothing that draws them may let them act:

- :func:`printable` for anything shown in a terminal (the TUI's widgets, every
  line the command line prints): C0/C1 control characters, DEL and bidi
  overrides become one visible placeholder each (``ESC`` → ``␛``, C1 and bidi
  controls → ``�``), so escape sequences cannot retitle, clear or reorder the
  terminal, while Polish letters and all ordinary punctuation (brackets too)
  stay as they are. The mapping is one character for one character, so styled
  text keeps its spans (:func:`printable_chars`).
- :func:`json_text` for JSON: the data stays exact, the same characters are
  written as JSON unicode escapes.
- :func:`spreadsheet_cell` for CSV: a cell a spreadsheet would evaluate as a
  formula gets a leading ``'`` (OWASP, "CSV Injection"), numbers stay numbers.
- :func:`markdown_text` and :func:`html_text` for the client's documents.

Markup is not this module's business: the widgets in ``screens/widgets/plain.py``
take plain text and never parse it. This module imports no Textual.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
"""The placeholder of a control character without a control picture (C1, bidi)."""

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
"""Bidirectional marks, embeddings, overrides and isolates (they reorder what follows)."""


def _table(newline: str) -> dict[int, str]:
    table = {c: chr(0x2400 + c) for c in range(0x20)}  # ␀ … ␟: the control pictures
    table[0x09] = " "
    table[0x0A] = newline
    table[0x7F] = "\N{SYMBOL FOR DELETE}"
    table.update({c: REPLACEMENT for c in range(0x80, 0xA0)})  # C1, including CSI and OSC
    table.update({c: REPLACEMENT for c in _BIDI})
    table[0x2028] = newline  # line separator
    table[0x2029] = newline  # paragraph separator
    table.update({c: REPLACEMENT for c in range(0xD800, 0xE000)})  # lone surrogates
    return table


_ONE_LINE = _table(" ")
_MULTILINE = _table("\n")
_EDITED_LINE = {**_ONE_LINE, 0x09: "\t"}
"""A line being edited: tabs stay (the editor lays them out), every other control shows."""

CONTROL_CODEPOINTS = frozenset(_MULTILINE)
"""Every code point :func:`printable` replaces: C0, DEL, C1, bidi controls, separators,
lone surrogates. None of them takes a cell on screen."""


def printable_chars(text: str, *, multiline: bool = False, tabs: bool = False) -> str:
    r"""``text`` with every terminal control replaced by a visible placeholder, 1:1.

    The result has exactly as many characters as ``text``, so spans of styled
    text still fit; a line break becomes a space unless ``multiline``.

    Args:
        text: any text, typically stored by someone else.
        multiline: keep line breaks (``\n``, U+2028, U+2029 as ``\n``).
        tabs: keep tabs (one line of a multi-line editor, which lays them out
            itself); not with ``multiline``.

    Returns:
        Text with no C0/C1 control, DEL, bidi control or lone surrogate in it
        (tabs kept if ``tabs``).
    """
    if tabs:
        return text.translate(_EDITED_LINE)
    return text.translate(_MULTILINE if multiline else _ONE_LINE)


def printable(text: str, *, multiline: bool = False) -> str:
    r"""``text`` safe to put on a terminal, shown literally.

    Like :func:`printable_chars`, and a Windows line end (CR LF) counts as one
    line break rather than showing its CR.

    Args:
        text: any text, typically stored by someone else.
        multiline: keep line breaks; otherwise each becomes a space.

    Returns:
        The text with every control character shown as a placeholder
        (``"\x1b[2J"`` → ``"␛[2J"``, U+202E → ``"�"``).
    """
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return printable_chars(text, multiline=multiline)


@cache
def _json_escapes() -> dict[int, str]:
    """The JSON unicode escape of each code point :func:`json_text` escapes.

    Built on first use: some 2,200 entries, a millisecond the phone path (which
    prints no JSON) should not pay at import (issue 13).
    """
    return {c: f"\\u{c:04x}" for c in _MULTILINE if c not in (0x09, 0x0A)}


def json_text(data: Any, *, indent: int | None = 2) -> str:
    r"""``data`` as JSON (UTF-8, Polish letters as they are) that is safe on a terminal.

    ``json.dumps`` already escapes C0 controls; DEL, C1 controls, bidi controls,
    line/paragraph separators and lone surrogates are escaped here as well, as
    JSON unicode escapes, so a reader gets exactly the stored value back.

    Args:
        data: anything ``json.dumps`` takes.
        indent: as for ``json.dumps``.

    Returns:
        The JSON text, without a trailing newline.
    """
    import json  # here: the phone path prints no JSON and starts without it (issue 13)

    return json.dumps(data, ensure_ascii=False, indent=indent).translate(_json_escapes())


_LINE_BREAK_RUN = re.compile(r"[ \t]*[\n\r\v\f\x85\u2028\u2029][ \t\n\r\v\f\x85\u2028\u2029]*")
"""A run of line breaks (CR LF, LF, CR, VT, FF, NEL, U+2028, U+2029), blank lines and
the spaces and tabs around them."""


def joined_lines(text: str) -> tuple[str, int]:
    r"""``text`` (a paste) as one line that keeps every word: its lines joined with a space.

    A one-line field takes a paste of several lines (an e-mail, an address)
    whole: each run of line breaks, with the blank lines and the spaces and
    tabs around it, becomes one space, and line breaks at the start or the end
    go. Everything else, tabs and control characters inside a line included,
    is kept as pasted (the field shows controls as placeholders).

    Args:
        text: the pasted text.

    Returns:
        The one line, and how many non-blank lines went into it (0 for blank
        text): ``("Linia1 Linia2", 2)`` for ``"Linia1\r\n\r\nLinia2\n"``.
    """
    lines = [piece for piece in _LINE_BREAK_RUN.split(text) if piece]
    return " ".join(lines), len(lines)


_FORMULA_START = frozenset("=+-@\t\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
"""A plain number (``-12.50``, ``3628,50``): a spreadsheet reads it as a number, not code."""


def spreadsheet_cell(text: str) -> str:
    """One CSV cell that no spreadsheet evaluates, per OWASP's CSV injection guidance.

    A cell whose first character (after any blanks) is ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return gets a single quote in front, so
    ``=HYPERLINK("http://x";"y")`` and ``+48 600 700 800 oddzwonić`` stay
    text. A plain number, with a decimal point or comma (``-12.50``,
    ``3628,50``), stays as it is so that amounts and hours remain numbers.
    Quoting of delimiters and quotes is the ``csv`` module's job.

    Args:
        text: the cell's text.

    Returns:
        The text, prefixed with ``'`` when a spreadsheet would run it.
    """
    stripped = text.lstrip(" \t\r\n")
    start = stripped[:1]
    if text[:1] in _FORMULA_START or start in _FORMULA_START:
        if _NUMBER.fullmatch(text):
            return text
        return "'" + text
    return text


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|~])")
"""Characters Markdown reads as syntax. Parentheses are not among them: they
make a link only after ``]``, which is always escaped, so "(limit: 7)" stays
as typed; a numbered list's ``1)`` is escaped by :data:`_MD_NUMBERED`."""
_MD_LIST_MARK = re.compile(r"^(\s*)([-=])(?=\s|[-=]*$)")
_MD_NUMBERED = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")
_MD_BARE_LINK = re.compile(r"(?i)(\b(?:https?|ftp)|\bwww)([:.])")
"""A bare address GitHub's Markdown would turn into a link: ``http:``, ``www.``."""


def markdown_text(text: str) -> str:
    """``text`` for a Markdown document: shown literally, never as HTML or Markdown.

    ``&``, ``<`` and ``>`` become HTML entities (``<script>`` never appears
    raw), Markdown's syntax characters get a backslash, a leading list or
    heading marker is escaped, and line breaks become spaces so a table cell
    stays one cell. Control characters are shown as by :func:`printable`.

    Args:
        text: stored text (a description, a client's name).

    Returns:
        Markdown source that renders as exactly ``text``.
    """
    import html  # for documents only: not on the phone path

    safe = html.escape(printable(text), quote=False)
    safe = _MD_SPECIAL.sub(r"\\\1", safe)
    safe = _MD_LIST_MARK.sub(r"\1\\\2", safe)
    # GitHub's Markdown links a bare ``http://…`` or ``www.…``: an escaped ``:`` or
    # ``.`` after the scheme or ``www`` reads the same and links nothing.
    safe = _MD_BARE_LINK.sub(r"\1\\\2", safe)
    return _MD_NUMBERED.sub(r"\1\\\2", safe)


def html_text(text: str) -> str:
    """``text`` for an HTML document: escaped (quotes too), control characters shown.

    Args:
        text: stored text.

    Returns:
        HTML that displays exactly ``text``; line breaks stay as whitespace.
    """
    import html

    return html.escape(printable(text, multiline=True), quote=True)


def _char_cells(char: str) -> int:
    """The cells one character takes: wide (East Asian, emoji) two, marks none."""
    import unicodedata

    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """The terminal cells ``text`` takes: wide (East Asian, emoji) characters two, marks none."""
    return sum(_char_cells(char) for char in text)


NAME_CELLS = 200
"""The longest name the command line and imports store (``FIELD_LIMITS`` of the
clients service); the phone system's lines (``ring``, ``lookup``) cut a longer
one, written into the database by other means."""


def fit(text: str, width: int, *, pad: bool = False) -> str:
    """``text`` in at most ``width`` terminal cells, cut with ``…`` when it is longer.

    The one cell-fitting rule of every table and title that has a fixed room
    (the command line's lists, the assign dialog, the statement's title): a
    cut is always marked, so a reader knows there is more. ``pad=True`` fills
    a shorter text with spaces to exactly ``width`` cells, for columns. One
    pass over the text, so a 10 000-character name costs no more than reading it.
    """
    if width <= 0:
        return ""
    used = 0
    for index, char in enumerate(text):
        used += _char_cells(char)
        if used > width:
            cut, used = "", 0
            for kept in text[:index]:  # the longest start that leaves a cell for …
                if used + _char_cells(kept) > width - 1:
                    break
                cut += kept
                used += _char_cells(kept)
            text = cut.rstrip() + "…"
            break
    return text + " " * (width - cell_width(text)) if pad else text


def clipped(text: str, width: int, lines: int) -> str:
    """``text`` as it wraps at ``width`` cells, at most ``lines`` lines: the middle cut with ``…``.

    For a place of bounded height that shows a sentence with stored text in it
    (a yes/no question, a notification): a 10 000-character client name must
    not push the rest off the screen. The beginning and the end are kept (a
    question's amount and consequences and a message's "what to do" come
    after the name), the lines between them give way to one ``…``. Lines are
    joined with line breaks, so the widget shows exactly these lines. Text
    that fits is returned as it is. Wrapping: at spaces, long words broken.

    Args:
        text: the sentence, possibly several lines.
        width: the cells of one line (at least 8 are used).
        lines: the most lines to return (at least 2 are used).
    """
    import textwrap

    width, lines = max(width, 8), max(lines, 2)
    if cell_width(text) <= width and "\n" not in text:
        return text
    wrapped: list[str] = []
    for paragraph in text.split("\n"):
        wrapped.extend(textwrap.wrap(paragraph, width, break_long_words=True) or [""])
    if len(wrapped) <= lines:
        return text
    head_count = lines // 2
    head, tail = wrapped[:head_count], wrapped[len(wrapped) - (lines - head_count) :]
    last = head[-1]
    if cell_width(last) > width - 2:
        last = fit(last, width - 1)[:-1]  # without fit's own …: one mark for the cut
    head[-1] = last.rstrip() + " …"
    return "\n".join(head + tail)
