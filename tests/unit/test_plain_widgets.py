"""The plain widgets' builders: whatever the text, it is drawn as itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from textual.content import Content
from textual.widgets._data_table import default_cell_formatter

from bbdispatch.text import printable, printable_chars
from screens.widgets.plain import cell, plain, safe_visual, table_cell

HOSTILE = st.one_of(
    st.text(),
    st.text(alphabet="[]@=:/bi\x1b\x07\x9b\u202e\n 'Qx()"),
    st.sampled_from(["[b]Ala[/b]", "[@click=app.quit]Q[/]", ":smile:", "\\[b]", "[link=x]y"]),
)


@given(HOSTILE)
def test_table_cells_render_literally(text: str) -> None:
    rendered = default_cell_formatter(table_cell(text), wrap=False, height=1)
    assert isinstance(rendered, Text)
    assert rendered.plain == printable(text)
    assert not rendered.spans


@given(HOSTILE)
def test_plain_content_is_the_text(text: str) -> None:
    content = plain(text, "bold")
    assert content.plain == printable(text, multiline=True)
    assert all(
        not isinstance(span.style, str) or "@click" not in span.style for span in content.spans
    )
    assert cell(text).plain == printable(text)


@given(HOSTILE)
def test_styled_text_keeps_its_style_and_loses_its_controls(text: str) -> None:
    styled = Content.styled(text, "bold") if text else Content("")
    cleaned = safe_visual(styled)
    assert cleaned.plain == printable_chars(styled.plain, multiline=True)
    assert len(cleaned.spans) == len(styled.spans)
    rich = Text(text, style="bold")
    assert safe_visual(rich).plain == printable_chars(rich.plain, multiline=True)
