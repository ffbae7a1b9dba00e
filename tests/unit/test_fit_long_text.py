"""Cutting text to a column: the same cut as measuring every prefix, in one pass.

A 10 000-character description froze the assign dialog for half a minute and
made ``jobs --open`` take a minute: ``fit`` re-measured the whole remaining
text after dropping each character. The cut must cost about one look at each
character of the text, whatever its length.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bbdispatch import text as text_module
from bbdispatch.text import cell_width, fit


def _reference(value: str, width: int) -> str:
    """The cut by definition: drop characters from the end until it fits beside …."""
    if width <= 0:
        return ""
    if cell_width(value) <= width:
        return value
    cut = value
    while cut and cell_width(cut) > width - 1:
        cut = cut[:-1]
    return cut.rstrip() + "…"


@given(st.text(alphabet=st.sampled_from("ał 漢字\u0301\u200bxZ"), max_size=40), st.integers(-1, 30))
def test_fit_cuts_as_the_definition_does(value: str, width: int) -> None:
    assert fit(value, width) == _reference(value, width)
    if width > 0:
        assert cell_width(fit(value, width)) <= width
        assert cell_width(fit(value, width, pad=True)) == width


def test_a_ten_thousand_character_text_is_looked_at_a_few_times_per_character(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked = [0]
    real = text_module._char_cells

    def counting(char: str) -> int:
        looked[0] += 1
        return real(char)

    monkeypatch.setattr(text_module, "_char_cells", counting)
    assert fit("q" * 10_000, 40) == "q" * 39 + "…"
    assert looked[0] < 200  # stops at the column's width, not at the text's end
