"""Widgets that show text literally: the only way screens draw stored or typed text.

Textual reads a plain ``str`` as content markup almost everywhere (``Static``,
``Label``, DataTable cells and column labels, OptionList prompts, toasts, the
palette), so a client named ``[@click=app.quit]Q[/]`` would become a button.
These widgets take plain text (or ready-made ``Content``/``Text``), never parse
it, and pass every character through :func:`bbdispatch.text.printable_chars`,
so terminal control codes show as placeholders (``␛``, ``�``) instead of acting.

The rule for screens: draw text with :class:`Plain`, :class:`PlainLabel`,
:class:`PlainTable`, :class:`PlainOptionList` / :func:`plain_option`; build
styled text with :func:`plain` and :func:`cell`; never call ``Static``,
``Label``, ``DataTable``, ``OptionList``, ``Content.from_markup`` or
``Text.from_markup`` with a value that is not a literal.
``tests/unit/test_text_safety.py`` enforces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import RenderableType
from rich.segment import Segment
from rich.text import Text
from textual.color import Color
from textual.content import Content
from textual.filter import LineFilter
from textual.fuzzy import Matcher
from textual.markup import escape
from textual.visual import VisualType
from textual.widgets import DataTable, Label, OptionList, Select, Static
from textual.widgets._data_table import RowRenderables
from textual.widgets._option_list import OptionListContent
from textual.widgets._select import SelectType
from textual.widgets.data_table import CellType, ColumnKey, RowKey
from textual.widgets.option_list import Option

from bbdispatch.text import CONTROL_CODEPOINTS, printable, printable_chars


def plain(text: str, style: str = "") -> Content:
    """``text`` as Content, shown literally (line breaks kept), optionally styled.

    Args:
        text: stored or typed text; markup in it is not parsed.
        style: a Textual style such as ``"bold"`` or ``"$text-muted"``.
    """
    return (
        Content.styled(printable(text, multiline=True), style)
        if style
        else Content(printable(text, multiline=True))
    )


def cell(text: str, style: str = "") -> Text:
    """One table cell: ``text`` on one line, shown literally, optionally styled.

    Args:
        text: stored or typed text; markup in it is not parsed.
        style: a Rich style such as ``"bold red"``.
    """
    return Text(printable(text), style=style, end="", no_wrap=True)


ONE_LINE_LIMIT = 500
"""Characters of stored text kept for a one-line place; the rest is cut at the widget's edge.

One-line places (palette hits, option prompts, card lines, cells) draw with
``text-wrap: nowrap; text-overflow: ellipsis``, so the terminal's width cuts
them with ``…``; this bound only keeps a 10 000-character name from being laid
out in full first."""


def one_line(text: str, limit: int = ONE_LINE_LIMIT) -> str:
    """Stored text for a one-line place: line breaks as spaces, at most ``limit`` characters.

    Cut text ends in ``…``. Control characters become their placeholders here
    (:func:`printable`, the one sanitizer), so they look the same everywhere.
    """
    flat = printable(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def fitted_line(width: int, *parts: tuple[str, bool]) -> str:
    """One line of stored parts in ``width`` cells, cutting only the parts that may be cut.

    ``parts`` are ``(text, may_cut)``: a name may be cut (with ``…``), a phone
    number or a separator never is, so a 10 000-character client name cannot
    push the phone off the technician's card. The room left by the parts kept
    whole is shared by the cuttable ones, the short ones first whole (so a
    short contact name survives a long client name). Each text is made
    printable first (:func:`one_line`).
    """
    from bbdispatch.text import cell_width, fit

    texts = [one_line(text) if cut else printable(text) for text, cut in parts]
    cuttable = [i for i, (_text, cut) in enumerate(parts) if cut]
    room = width - sum(cell_width(texts[i]) for i in range(len(parts)) if i not in cuttable)
    widths = {i: cell_width(texts[i]) for i in cuttable}
    if sum(widths.values()) > room:
        left, pending = max(room, 0), sorted(cuttable, key=lambda i: widths[i])
        while pending:
            share = left // len(pending)
            i = pending.pop(0)
            widths[i] = min(widths[i], max(share, 1 if left > 0 else 0))
            left -= widths[i]
        for i in cuttable:
            texts[i] = fit(texts[i], widths[i])
    return "".join(texts)


def wrapped_lines(text: str, width: int, lines: int) -> list[str]:
    """Stored text wrapped at ``width`` cells into at most ``lines`` lines, the last cut with ``…``.

    For a multi-line place of fixed size (the technician's job card): the text
    wraps at word boundaries like Textual would, and what does not fit is cut
    visibly instead of pushing the lines below it away.
    """
    import textwrap

    flat = one_line(text, width * (lines + 1))  # placeholders, no line breaks
    wrapped = textwrap.wrap(flat, max(width, 8), break_long_words=True) or [""]
    if len(wrapped) <= lines:
        return wrapped
    kept = wrapped[:lines]
    kept[-1] = kept[-1][: max(width, 8) - 1].rstrip() + "…"
    return kept


def markup_literal(text: str) -> str:
    """``text`` escaped for an API that only takes markup strings (the palette's help).

    Prefer :func:`plain`; this is for the few Textual APIs that insist on
    parsing a ``str``.
    """
    return escape(printable(text))


def highlight(matcher: Matcher, text: str) -> Content:
    """``text`` for a palette hit, with the fuzzy match highlighted and nothing parsed.

    Textual's ``Matcher.highlight`` reads its candidate as markup; this one
    highlights the same characters of the literal text.
    """
    shown = one_line(text)
    content = Content(shown)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if not score:
        return content
    for offset in offsets:
        if offset < len(shown) - 1 and not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def safe_visual(content: object, *, multiline: bool = True) -> Any:
    """Make anything a widget would draw literal: ``str`` → Content, styled text cleaned.

    ``str`` becomes plain :class:`Content` (no markup); ``Content`` and Rich
    ``Text`` keep their styles, with control characters replaced one for one;
    anything else (a Rich renderable built from literals) passes unchanged.
    """
    if isinstance(content, str):
        return Content(printable(content, multiline=multiline))
    if isinstance(content, Content):
        text = content.plain
        clean = printable_chars(text, multiline=multiline)
        return content if clean == text else Content(clean, list(content.spans))
    if isinstance(content, Text):
        clean = printable_chars(content.plain, multiline=multiline)
        if clean == content.plain:
            return content
        fixed = content.copy()
        fixed.plain = clean
        return fixed
    return content


class Plain(Static):
    """A Static that shows its text literally: no markup, no terminal codes."""

    def __init__(
        self,
        content: VisualType = "",
        *,
        expand: bool = False,
        shrink: bool = False,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 (Textual's name)
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            safe_visual(content),
            expand=expand,
            shrink=shrink,
            markup=False,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show ``content`` literally (a ``str`` is text, not markup)."""
        super().update(safe_visual(content), layout=layout)


class PlainLabel(Label):
    """A Label that shows its text literally: no markup, no terminal codes."""

    def __init__(
        self,
        content: VisualType = "",
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 (Textual's name)
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            safe_visual(content),
            markup=False,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show ``content`` literally (a ``str`` is text, not markup)."""
        super().update(safe_visual(content), layout=layout)


def table_cell(value: object) -> Any:
    """A DataTable cell shown literally: ``str`` → plain Text, styled text cleaned.

    A ``str`` that markup and emoji codes cannot touch (no ``[``, no ``:``, nothing
    unprintable) stays a ``str``, so large tables keep DataTable's lazy formatting.
    """
    if isinstance(value, str):
        if "[" not in value and ":" not in value and value.isprintable():
            return value
        return cell(value)
    return safe_visual(value, multiline=False)


class PlainTable(DataTable[Any]):
    """A DataTable whose ``str`` cells and labels are text, never markup.

    Textual parses a ``str`` cell with ``Text.from_markup``; here every cell
    (and column label) that goes in becomes literal Rich ``Text``, and styled
    ``Text`` keeps its style with control characters replaced.
    """

    def add_column(
        self,
        label: str | Text,
        *,
        width: int | None = None,
        key: str | None = None,
        default: CellType | None = None,
    ) -> ColumnKey:
        """Add a column; its label is shown literally."""
        return super().add_column(
            table_cell(label),
            width=width,
            key=key,
            default=None if default is None else table_cell(default),
        )

    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        """Add a row; every cell is shown literally."""
        return super().add_row(
            *(table_cell(c) for c in cells),
            height=height,
            key=key,
            label=None if label is None else table_cell(label),
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        """Replace one cell; the value is shown literally."""
        super().update_cell(row_key, column_key, table_cell(value), update_width=update_width)

    def _compute_row_renderables(self, row_index: int) -> RowRenderables:
        """Textual's cells of a row, each cut with ``…`` where its column is too narrow.

        Textual crops a one-line cell at the column's edge without a sign, so
        ``Kontrola kopii: serwer`` in a 16-cell column read ``Kontrola kopii:``
        as if that were all. A cut cell now ends in ``…`` (Rich's ellipsis
        overflow, applied as the cell is drawn, so the text itself is kept).
        Cells that wrap (rows taller than one line) and the header are as before.
        """
        row = super()._compute_row_renderables(row_index)
        key = self._row_locations.get_key(row_index) if row_index >= 0 else None
        meta = self.rows.get(key) if key is not None else None
        if meta is None or meta.height != 1:
            return row  # the header, or a row whose cells wrap
        return RowRenderables(row.label, [_cut_with_ellipsis(c) for c in row.cells])


def _cut_with_ellipsis(renderable: RenderableType) -> RenderableType:
    """A Rich ``Text`` cell of a one-line row, ending in ``…`` when cut; else unchanged."""
    if not isinstance(renderable, Text) or renderable.overflow:
        return renderable
    cut = renderable.copy()
    cut.overflow = "ellipsis"
    cut.no_wrap = True
    return cut


def plain_option(text: str | Content, id: str | None = None, disabled: bool = False) -> Option:  # noqa: A002
    """An OptionList option whose prompt is shown literally (one line, see :func:`one_line`)."""
    prompt = one_line(text) if isinstance(text, str) else text
    return Option(safe_visual(prompt, multiline=False), id=id, disabled=disabled)


class PlainOptionList(OptionList):
    """An OptionList whose prompts are text, never markup."""

    def __init__(
        self,
        *content: OptionListContent,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 (Textual's name)
        classes: str | None = None,
        disabled: bool = False,
        compact: bool = False,
    ) -> None:
        super().__init__(
            *content,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            markup=False,
            compact=compact,
        )

    def add_options(self, new_options: Iterable[OptionListContent]) -> PlainOptionList:
        """Add options; each prompt is shown literally."""
        safe: list[OptionListContent] = []
        for option in new_options:
            if isinstance(option, Option):
                option._prompt = safe_visual(option.prompt, multiline=False)
                safe.append(option)
            elif option is None:
                safe.append(None)
            else:
                safe.append(safe_visual(option, multiline=False))
        super().add_options(safe)
        return self

    def replace_option_prompt(self, option_id: str, prompt: VisualType) -> PlainOptionList:
        """Replace a prompt; shown literally."""
        super().replace_option_prompt(option_id, safe_visual(prompt, multiline=False))
        return self

    def replace_option_prompt_at_index(self, index: int, prompt: VisualType) -> PlainOptionList:
        """Replace a prompt; shown literally."""
        super().replace_option_prompt_at_index(index, safe_visual(prompt, multiline=False))
        return self


class PlainSelect(Select[SelectType]):
    """A Select whose option prompts are text, never markup (technicians' names)."""

    def _setup_variables_for_options(
        self, options: Iterable[tuple[RenderableType, SelectType]]
    ) -> None:
        safe = [
            (cell(prompt) if isinstance(prompt, str) else safe_visual(prompt, multiline=False), v)
            for prompt, v in options
        ]
        super()._setup_variables_for_options(safe)


_DROP: dict[int, None] = dict.fromkeys(CONTROL_CODEPOINTS)


class DropTerminalControls(LineFilter):
    """The last line of defence: no control character reaches the terminal.

    Widgets above already show controls as placeholders; whatever slips past
    them (a stored value put into an Input to edit it, a Textual widget we do
    not wrap) loses its control characters here, after rendering. They are
    zero cells wide, so dropping them keeps every line's width.
    """

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """Drop control characters from the text of every segment."""
        out: list[Segment] = []
        for segment in segments:
            if segment.control is None:
                text = segment.text.translate(_DROP)
                if text != segment.text:
                    segment = Segment(text, segment.style)
            out.append(segment)
        return out
