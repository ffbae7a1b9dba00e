"""``contracts import`` keeps signing's rules (one service rule for both), row by row.

A tester brought over a service contract for a client with no needs assessment,
a second starter for one client, and three starters in one file: all were
written. Signing refuses each of them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from tests.unit.test_first_day import SAMPLES

KANCELARIA = "5213010002"  # client 1, with a needs assessment
AZOR = "6772210002"  # client 2, none


@pytest.fixture
def firm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "import", str(SAMPLES / "clients.csv")]) == 0
    assessed = ["--needs", "8 stanowisk", "--rules", "telefonicznie"]
    assert main(["--db", str(db), "assessments", "add", "--client", "1", *assessed]) == 0
    capsys.readouterr()
    return db


def _contracts(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM contract").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("check", [True, False], ids=["check", "import"])
def test_a_service_contract_without_an_assessment_is_refused_by_line(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], check: bool
) -> None:
    sheet = tmp_path / "umowy.csv"
    sheet.write_text(
        "klient;produkt;numer;początek;godziny wykorzystane\n"
        f"{KANCELARIA};service-50h;UM/1;2026-03-01;10\n"
        f"{AZOR};service-50h;UM/2;2026-03-01;5\n"
    )
    flags = ["--check"] if check else []
    assert main(["--db", str(firm), "contracts", "import", *flags, str(sheet)]) == 1
    err = capsys.readouterr().err
    assert "1 problem" in err, err
    assert (
        "Line 3, column produkt: A service contract needs a needs assessment (or a recorded "
        "waiver) first. Record it with: bbdispatch assessments add --client 2" in err
    ), err
    assert "Line 2" not in err
    assert _contracts(firm) == 0


def test_starters_beyond_the_first_are_refused_by_line(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three starters for one client in one file: the second and third are named, each with
    the row it repeats; a starter for a client who already has one is refused too."""
    sheet = tmp_path / "umowy.csv"
    sheet.write_text(
        "klient;produkt;numer;początek;godziny wykorzystane\n"
        f"{AZOR};starter-10h;ST/1;2026-01-01;1\n"
        f"{AZOR};starter-10h;ST/2;2026-02-01;2\n"
        f"{AZOR};starter-10h;;2026-03-01;3\n"
    )
    assert main(["--db", str(firm), "contracts", "import", "--check", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert "2 problems" in err, err
    assert "Line 3, column produkt: Starter contract 10 h is signed once per client, and this " \
        "client has it already (ST/1)" in err, err  # fmt: skip
    assert "Line 4, column produkt:" in err and "(ST/1)" in err
    assert "Line 2" not in err
    assert _contracts(firm) == 0
    one = tmp_path / "one.csv"
    one.write_text("klient;produkt;numer;początek\n" + f"{AZOR};starter-10h;ST/1;2026-01-01\n")
    assert main(["--db", str(firm), "contracts", "import", str(one)]) == 0
    again = tmp_path / "again.csv"
    again.write_text("klient;produkt;numer;początek\n" + f"{AZOR};starter-10h;ST/9;2026-05-01\n")
    capsys.readouterr()
    assert main(["--db", str(firm), "contracts", "import", str(again)]) == 1
    err = capsys.readouterr().err
    assert "Line 2, column produkt:" in err and "has it already (ST/1)" in err, err
    assert _contracts(firm) == 1


def test_signing_refuses_with_the_same_words(
    firm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One rule: the office's refusal of a second starter is the import's."""
    one = firm.with_name("one.csv")
    one.write_text("klient;produkt;numer;początek\n" + f"{AZOR};starter-10h;ST/1;2026-01-01\n")
    assert main(["--db", str(firm), "contracts", "import", str(one)]) == 0
    capsys.readouterr()
    code = main(
        ["--db", str(firm), "contracts", "sign", "--client", "2", "--product", "starter-10h"]
    )
    assert code != 0
    assert "is signed once per client, and this client has it already (ST/1)" in (
        capsys.readouterr().err
    )
