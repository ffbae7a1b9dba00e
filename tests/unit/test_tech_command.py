from __future__ import annotations

import json
from pathlib import Path

import pytest

from bbdispatch import launch
from bbdispatch.cli import main


def test_unknown_login_exits_with_a_clear_message(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(launch, "os_login", lambda: "stranger")
    monkeypatch.setattr(launch, "os_fallback", lambda: None)  # not root, not the phone
    assert main(["--db", str(demo_db_path), "tech"]) == 1
    err = capsys.readouterr().err
    assert "stranger is not a bbdispatch user" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [["tech", "--as", "piotr"], ["--as", "piotr", "tech"]],
)
def test_technician_may_not_act_as_another(
    demo_db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    monkeypatch.setattr(launch, "os_login", lambda: "anna")
    assert main(["--db", str(demo_db_path), *argv]) == 1
    assert "Only dispatchers and admins may use --as" in capsys.readouterr().err


def test_tech_flags_after_the_subcommand_are_read() -> None:
    from bbdispatch.cli import build_parser

    args = build_parser().parse_args(["--db", "x.db", "tech", "--as", "anna", "--no-mouse"])
    assert (args.act_as, args.no_mouse, args.db) == ("anna", True, "x.db")
    args = build_parser().parse_args(["tech"])
    assert (args.act_as, args.no_mouse) == (None, False)


def test_people_add_and_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "bb.db")
    assert main(["--db", db, "init", "--admin", "boss"]) == 0
    assert main(["--db", db, "people", "add", "jan", "Jan Nowak", "--skills",
                 "network,hardware", "--phone", "601 100 200"]) == 0  # fmt: skip
    assert main(["--db", db, "people", "add", "jan", "Jan Again"]) == 1
    assert "Login jan is taken" in capsys.readouterr().err
    assert main(["--db", db, "people", "add", "ola", "Ola", "--skills", "cooking"]) == 2
    assert "cooking: not one of hardware, software" in capsys.readouterr().err
    assert main(["--db", db, "people", "list", "--json"]) == 0
    listed = [p for p in json.loads(capsys.readouterr().out) if p["login"] != "boss"]
    assert listed == [
        {"id": 2, "login": "jan", "name": "Jan Nowak", "role": "technician",
         "does_onsite": True, "phone": "+48601100200", "skills": ["hardware", "network"]},
    ]  # fmt: skip


@pytest.mark.parametrize("argv", [["tech"], []])
def test_a_screen_without_a_terminal_is_refused_at_once(
    demo_db_path: Path, tmp_path: Path, argv: list[str]
) -> None:
    """Run from a pipe or with stdin closed, the TUI used to spin at 40 % CPU for ever."""
    import os
    import subprocess
    import sys

    act_as = ["--as", "anna"] if argv else []
    done = subprocess.run(
        [sys.executable, "-m", "bbdispatch", "--db", str(demo_db_path), *act_as, *argv],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
        env={**os.environ, "LANG": "C.UTF-8", "BBDISPATCH_LANG": "en"},
        check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "must be a terminal" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
