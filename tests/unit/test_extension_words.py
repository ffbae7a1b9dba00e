"""Issue 13 (I): every usual extension word finds the client, for ring and lookup alike.

The tester's ``ring "22 628 12 34 ext 99"`` was refused ("a number has no
letters") while ``wew. 12`` was recognised. Extensions are read in one place,
``bbdispatch.phones.split_extension``, which ring, lookup and the intake use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.phones import split_extension, try_parse_phone

WORDS = ["wew. 12", "wewn. 12", "ext 99", "ext. 99", "x 12", "x12", "#12", "# 12", "EXT 99"]


@pytest.mark.parametrize("word", WORDS)
def test_ring_and_lookup_take_the_extension_and_find_the_client(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], word: str
) -> None:
    raw = f"22 628 12 34 {word}"
    assert split_extension(raw) == ("22 628 12 34", word.split()[-1].lstrip("x#"))
    assert try_parse_phone(raw) == "+48226281234"  # what the intake's field reads
    db = ["--db", str(demo_db_path)]
    assert main([*db, "lookup", raw, "--json"]) == 0
    assert [c["id"] for c in json.loads(capsys.readouterr().out)["clients"]] == [1]
    assert main([*db, "ring", raw]) == 0
    assert "Kancelaria Notarialna Nowak" in capsys.readouterr().out
    assert main([*db, "calls", "--json"]) == 0
    newest = json.loads(capsys.readouterr().out)[0]
    assert (newest["number"], newest["client_id"]) == (raw, 1)  # the extension kept on the call
