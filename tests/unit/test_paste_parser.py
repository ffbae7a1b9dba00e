"""The terminal parser reads a bracketed paste as one piece of text, whatever it holds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from textual import events
from textual.message import Message

from screens.paste_parser import PasteParser, PasteSafeDriver

ROOT = Path(__file__).resolve().parents[2]
START, END = "\x1b[200~", "\x1b[201~"
PASTED = "Opis\x1b[31mczerwony\x1b[0m\tpo tabie e r 3"


def parsed(*reads: str) -> list[Message]:
    parser = PasteParser()
    out: list[Message] = []
    for data in reads:
        out += parser.feed(data)
    return out


def shown(messages: list[Message]) -> list[str]:
    out = []
    for m in messages:
        if isinstance(m, events.Paste):
            out.append(f"paste:{m.text}")
        elif isinstance(m, events.Key):
            out.append(m.key)
        else:
            out.append(type(m).__name__)
    return out


def test_bare_textual_parser_turns_a_paste_with_an_escape_into_keys() -> None:
    """The upstream fault (docs/upstream/); fails once Textual fixes it."""
    spec = importlib.util.spec_from_file_location(
        "bracketed_paste_escape", ROOT / "docs" / "upstream" / "bracketed_paste_escape.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    events_made = module.main()
    assert "Key('tab')" in events_made
    assert events_made[-1] == "Paste('Opis')"


def test_a_paste_with_escapes_and_a_tab_is_one_paste_between_keys() -> None:
    assert shown(parsed("a" + START + PASTED + END + "b")) == ["a", f"paste:{PASTED}", "b"]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
def test_a_paste_split_across_reads_is_the_same_paste(size: int) -> None:
    raw = "a" + START + PASTED + END + "b\x1b[A"
    reads = [raw[i : i + size] for i in range(0, len(raw), size)]
    assert shown(parsed(*reads)) == ["a", f"paste:{PASTED}", "b", "up"]


def test_an_escape_and_a_long_run_inside_a_paste_stay_text() -> None:
    """Textual sends 32 characters after an ESC as keys; a paste keeps them."""
    text = "\x1b" + "y" * 40 + "\r\n\x1b[2J"
    assert shown(parsed(START + text + END + "z")) == [f"paste:{text}", "z"]


def test_escape_sequences_before_and_after_a_paste_still_parse() -> None:
    """A lone ESC before the paste is the Escape key; keys after it are keys."""
    assert shown(parsed("\x1b" + START + "x" + END + "\x1b[B\x1bOP")) == [
        "escape",
        "paste:x",
        "down",
        "f1",
    ]


def test_nul_characters_go_as_textual_drops_them() -> None:
    assert shown(parsed(START + "a\x00b" + END)) == ["paste:ab"]


def test_an_empty_paste_and_two_in_a_row() -> None:
    assert shown(parsed(START + END + START + "1" + END + START + "2" + END)) == [
        "paste:",
        "paste:1",
        "paste:2",
    ]


def test_the_driver_reads_with_the_paste_parser() -> None:
    assert PasteSafeDriver.parser_class is PasteParser
