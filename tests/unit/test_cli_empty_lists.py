"""A list with nothing in it says so on stderr; stdout stays empty, ``--json`` prints ``[]``."""

from __future__ import annotations

import pytest

from bbdispatch.cli import main
from tests.unit.test_cli_office import db

__all__ = ["db"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("clients",), "No clients yet.\n"),
        (("clients", "--search", "zzz"), "No clients match.\n"),
        (("calls",), "No calls logged.\n"),
        (("callbacks",), "Nobody to call back: no waiting calls, no callbacks.\n"),
        (("jobs",), "No jobs.\n"),
        (("jobs", "--open"), "No open jobs.\n"),
        (("contracts",), "No contracts.\n"),
    ],
)
def test_an_empty_list_says_so_on_stderr(
    db: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], said: str
) -> None:
    assert main(["--db", db, *args]) == 0
    assert capsys.readouterr() == ("", said)
    assert main(["--db", db, *args, "--json"]) == 0
    assert capsys.readouterr() == ("[]\n", "")
