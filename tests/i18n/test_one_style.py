"""One way to write a key and a job number in each language (issue 16).

The footer and F1 write ctrl keys as Textual shows them (``^s``); texts that
named ``ctrl+f`` beside a footer saying ``^f`` mixed two styles. A number in
running text is ``#12`` in English and ``nr 12`` in Polish, never ``#12``.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from bbdispatch.formats import format_number_mark
from bbdispatch.i18n import set_language

PO = Path(__file__).parents[2] / "bbdispatch/locale/pl/LC_MESSAGES/bbdispatch.po"


def _texts() -> list[tuple[str, str]]:
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    out = []
    for m in catalogue:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        out += [(i, s) for i in ids for s in strs]
    return out


def test_no_text_names_a_ctrl_key_otherwise_than_the_footer() -> None:
    mixed = [(i, s) for i, s in _texts() if re.search(r"ctrl\+[a-z]\b", i + " " + s)]
    assert not mixed, mixed


def test_polish_never_writes_a_hash_before_a_number() -> None:
    hashed = [s for _i, s in _texts() if re.search(r"#\{|#\d", s)]
    assert not hashed, hashed


def test_number_mark_per_language() -> None:
    assert format_number_mark(12) == "#12"
    set_language("pl")
    assert format_number_mark(12) == "nr 12"
