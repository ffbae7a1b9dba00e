"""The command line: exit codes, one-line errors, JSON for scripts."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bbdispatch import __version__
from bbdispatch.cli import main


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bbdispatch", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_pricelist_json_for_the_phone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricelist", "--json"]) == 0
    products = {p["code"]: p for p in json.loads(capsys.readouterr().out)}
    assert products["service-50h"] == {
        "code": "service-50h", "name": "Umowa serwisowa 50 h", "type": "block", "hours": 50,
        "net": "2950.00", "vat_rate": "0.23", "gross": "3628.50", "currency": "PLN",
    }  # fmt: skip
    assert products["starter-10h"]["gross"] == "738.00"
    assert products["network-1h"]["gross"] == "123.00"
    assert products["it-admin"]["net"] is None


def test_pricelist_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricelist"]) == 0
    out = capsys.readouterr().out
    # Names in the session's language; the code, a --product value, beside them.
    assert "3,628.50" in out and "Starter contract 10 h" in out and "starter-10h" in out


def test_pricelist_table_in_polish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "pl", "pricelist"]) == 0
    out = capsys.readouterr().out
    assert "3 628,50" in out and "brutto" in out and "uzgodniona" in out
    assert "Umowa startowa 10 h" in out


def test_init_then_demo_then_refuse_to_mix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    assert main(["--db", str(db), "init"]) == 0
    assert "schema" in capsys.readouterr().out
    assert main(["--db", str(db), "demo"]) == 0
    assert main(["--db", str(db), "demo"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already has data" in err
    assert main(["--db", str(db), "demo", "--reset"]) == 0


def test_db_path_from_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    done = run_cli("init", env={"BBDISPATCH_DB": str(db)})
    assert done.returncode == 0, done.stderr
    assert db.exists()


def test_newer_database_is_one_clear_line(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "future.db"
    sqlite3.connect(db).execute("PRAGMA user_version = 999").connection.close()
    done = run_cli("--db", str(db), "init")
    assert done.returncode == 1
    assert done.stderr.strip().startswith("bbdispatch:") and "newer bbdispatch" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_login_cannot_start_the_dispatcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "empty.db"
    assert run_cli("--db", str(db), "init", "--admin", "somebody-else").returncode == 0
    # Neither root nor the phone system: root would act as an admin (docs/rights.md).
    monkeypatch.setattr("bbdispatch.launch.os_login", lambda: "stranger")
    monkeypatch.setattr("bbdispatch.launch.os_fallback", lambda: None)
    assert main(["--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "stranger is not a bbdispatch user" in err and "Traceback" not in err


def test_subcommands_do_not_import_textual() -> None:
    code = "import sys, bbdispatch.cli as c; c.build_parser(); print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    "args", [("ring", "601234567"), ("contracts", "--json"), ("schedule", "run"), ()]
)
def test_only_init_and_demo_create_a_database(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = tmp_path / "typo.db"
    done = run_cli("--db", str(db), *args)
    assert done.returncode == 1
    assert "No database at" in done.stderr and "Traceback" not in done.stderr
    assert not db.exists()


def test_unusable_database_paths_are_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for path in (blocker / "x.db", tmp_path):  # a file as folder, a folder as database
        done = run_cli("--db", str(path), "init")
        assert done.returncode == 1, path
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
