"""Bad arguments are one line on stderr and exit 2, for every subcommand.

The tester's example: ``contracts --client`` (no value) and ``clients --bogus``
printed the whole usage block before the error. ``build_parser`` makes every
parser report in one line, so a new subcommand cannot forget it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bbdispatch.cli import build_parser, main
from tests.unit.test_cli_as import _leaves

LEAVES = sorted(set(_leaves(build_parser())) - {""})


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str]:
    try:
        code = main(args)
    except SystemExit as done:
        code = int(done.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("command", LEAVES)
def test_an_unknown_flag_is_one_line(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, ["--db", str(tmp_path / "x.db"), *command.split(), "--no-such"])
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("bbdispatch"), err
    assert "usage:" not in err


@pytest.mark.parametrize(
    "args",
    [["contracts", "--client"], ["clients", "--search"], ["privacy", "export"], ["ring"],
     ["calendar", "--year", "x"], ["--lang", "xx"], ["no-such-command"]],
)  # fmt: skip
def test_a_missing_or_bad_value_is_one_line(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, ["--db", str(tmp_path / "x.db"), *args])
    assert code == 2
    assert err.count("\n") == 1 and "usage:" not in err, err


def test_help_still_shows_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["contracts", "--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("usage: bbdispatch contracts")
