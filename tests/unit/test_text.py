"""bbdispatch.text: stored text shown literally, documents that cannot run code."""

from __future__ import annotations

import csv
import html
import io
import json
import re

from hypothesis import given
from hypothesis import strategies as st

from bbdispatch.text import (
    CONTROL_CODEPOINTS,
    html_text,
    joined_lines,
    json_text,
    markdown_text,
    printable,
    printable_chars,
    spreadsheet_cell,
)

OSC_TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"


def test_escape_sequences_are_shown_not_sent() -> None:
    shown = printable(f"Ala{OSC_TITLE}{CLEAR}\x9b31m\u202eabc")
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "\u202e" not in shown
    assert shown == "Ala␛]0;pwned␇␛[2J�31m�abc"


def test_polish_letters_brackets_and_punctuation_stay() -> None:
    text = "Zażółć gęślą jaźń [b]Ala[/b] (x) {y} <z> & \"q\" 'r' — 3 628,50 zł"
    assert printable(text) == text


def test_line_breaks_by_context() -> None:
    assert printable("a\nb\r\nc") == "a b c"
    assert printable("a\nb\r\nc", multiline=True) == "a\nb\nc"
    assert printable("a\rb") == "a␍b"  # a lone CR would overwrite the line
    assert printable("a\tb") == "a b"


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    for multiline in (False, True):
        shown = printable(text, multiline=multiline)
        assert not any(ord(c) in CONTROL_CODEPOINTS and c != "\n" for c in shown)
        if not multiline:
            assert "\n" not in shown


@given(st.text())
def test_one_character_for_one(text: str) -> None:
    assert len(printable_chars(text)) == len(text)
    assert len(printable_chars(text, multiline=True)) == len(text)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_json_keeps_the_exact_value(text: str) -> None:
    dumped = json_text({"name": text})
    assert json.loads(dumped) == {"name": text}
    assert not any(ord(c) in CONTROL_CODEPOINTS and c != "\n" for c in dumped)


def test_json_escapes_c1_and_bidi_but_keeps_polish() -> None:
    dumped = json_text({"n": "Łódź\x9b\u202e\x1b"})
    assert "Łódź" in dumped
    assert "\\u009b" in dumped and "\\u202e" in dumped and "\\u001b" in dumped


def test_issue_examples_are_neutralised() -> None:
    assert spreadsheet_cell('=HYPERLINK("http://x";"y")') == '\'=HYPERLINK("http://x";"y")'
    assert spreadsheet_cell("+48 600 700 800 oddzwonić") == "'+48 600 700 800 oddzwonić"
    for formula in ("=1+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1", " =1", "+"):
        assert spreadsheet_cell(formula).startswith("'"), formula


def test_numbers_stay_numbers() -> None:
    for number in ("3628.50", "3628,50", "-12.50", "-12,50", "+5", "0", "-0.25", "1,50"):
        assert spreadsheet_cell(number) == number
    for text in ("Drukarka", "", "BB/2026/002", "a=b"):
        assert spreadsheet_cell(text) == text


@given(st.text())
def test_no_cell_starts_a_formula(text: str) -> None:
    cell = spreadsheet_cell(text)
    start = cell.lstrip(" \t\r\n")[:1]
    if start in set("=+-@\t\r") or cell[:1] in set("=+-@\t\r"):
        assert cell == text
        float(text.replace(",", "."))  # only a plain number may start so


def test_csv_round_trip_keeps_the_text_after_the_quote() -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerow([spreadsheet_cell('=HYPERLINK("http://x";"y")')])
    (back,) = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert back == ['\'=HYPERLINK("http://x";"y")']


def test_markdown_escapes_html_and_syntax() -> None:
    shown = markdown_text("<script>alert(1)</script> *b* _i_ [x](http://y) `c` | # ~~s~~")
    assert "<script>" not in shown and "<" not in shown
    assert "&lt;script&gt;" in shown
    assert "\\*b\\*" in shown and "\\_i\\_" in shown and "\\[x\\]" in shown
    assert "\\|" in shown and "\\`c\\`" in shown and "\\~\\~s" in shown
    assert markdown_text("a\nb") == "a b"
    assert markdown_text("- item") == "\\- item"
    assert markdown_text("1. first") == "1\\. first"
    assert markdown_text("09.11.2026") == "09.11.2026"
    assert markdown_text("Zażółć gęślą") == "Zażółć gęślą"


def test_markdown_keeps_parentheses_as_typed_and_hostile_text_literal() -> None:
    """A tester saw ``\\(limit: 7\\)`` in the IT report: only Markdown's syntax is escaped."""
    from markdown_it import MarkdownIt

    assert markdown_text("kopia (limit: 7)") == "kopia (limit: 7)"
    assert markdown_text("1) pierwszy") == "1\\) pierwszy"
    render = MarkdownIt("commonmark").enable("table").render
    for hostile in (
        "[x](javascript:alert(1))", "![i](http://y/a.png)", "<b>(x)</b>", "1) a (b)",
        "**(gruby)** _(k)_", "[a]: http://y", "(a)[b](c)",
    ):  # fmt: skip
        html_out = render(markdown_text(hostile))
        assert "<a" not in html_out and "<img" not in html_out and "<b>" not in html_out
        assert "<strong>" not in html_out and "<em>" not in html_out and "<ol" not in html_out
        assert html.unescape(re.sub(r"<[^>]*>", "", html_out)).strip() == hostile


def test_html_escapes_everything_it_must() -> None:
    assert html_text('<img src=x onerror="a">&') == "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;"
    assert html.unescape(html_text("Łódź 'x'")) == "Łódź 'x'"
    assert "\x1b" not in html_text("\x1b[2J")


def test_a_pasted_e_mail_is_one_line_of_all_its_words() -> None:
    assert joined_lines("Linia1\nLinia2 e r 3") == ("Linia1 Linia2 e r 3", 2)
    assert joined_lines("Dzień dobry,  \r\n\r\n  drukarka\u2028nie działa.\n") == (
        "Dzień dobry, drukarka nie działa.",
        3,
    )
    assert joined_lines("601 234 567\n") == ("601 234 567", 1)
    assert joined_lines("\n \n") == ("", 0)


def test_one_line_keeps_a_line_exactly() -> None:
    assert joined_lines("  Opis\x1b[31mczerwony\x1b[0m\tpo tabie  ") == (
        "  Opis\x1b[31mczerwony\x1b[0m\tpo tabie  ",
        1,
    )


@given(st.text())
def test_one_line_has_no_line_break_and_loses_no_word(text: str) -> None:
    joined, _lines = joined_lines(text)
    assert not any(c in joined for c in "\n\r\v\f\x85\u2028\u2029")
    assert joined.split() == text.split()
