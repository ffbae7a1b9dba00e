"""A number typed unquoted at a shell is one number (``lookup 22 628 12 34``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bbdispatch.cli import main


def test_lookup_and_ring_take_a_number_typed_in_groups_unquoted(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``lookup 42 630 11 22`` failed with 'unrecognized arguments'."""
    assert main(["--db", str(demo_db_path), "lookup", "22", "628", "12", "34"]) == 0
    grouped = capsys.readouterr().out
    assert main(["--db", str(demo_db_path), "lookup", "22 628 12 34"]) == 0
    assert capsys.readouterr().out == grouped
    assert "Kancelaria Notarialna Nowak" in grouped
    assert main(["--db", str(demo_db_path), "ring", "22", "628", "12", "34"]) == 0
    assert "Kancelaria Notarialna Nowak" in capsys.readouterr().out
    assert main(["--db", str(demo_db_path), "ring", ""]) == 2  # still no caller ID
