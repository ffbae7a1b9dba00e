"""What a fresh tester still found in the first-day imports: one ``--check`` lists the file's
own problems and the database's together, a row that cannot be split hides nothing else,
lines are where rows start, and the hints speak the file's language."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.domain.contracts import IMPORTED_BY
from bbdispatch.paths import reference_data_dir
from bbdispatch.pricelist import load_pricelist
from bbdispatch.services import spreadsheet
from bbdispatch.services.import_clients import read_clients
from bbdispatch.services.import_contracts import parse_contracts_csv
from bbdispatch.services.import_people import parse_people_csv
from bbdispatch.services.people import os_login
from bbdispatch.services.spreadsheet import ImportFileError

SAMPLES = reference_data_dir() / "samples"
TODAY = date(2026, 11, 24)
HEADER = "client,product,number,start,end,hours_used,monthly_fee\n"


@pytest.fixture
def firm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "people", "import", str(SAMPLES / "people.csv")]) == 0
    assert main(["--db", str(db), "import", str(SAMPLES / "clients.csv")]) == 0
    # The sample's service contract client has its needs assessment on file, as for signing.
    assessed = ["--needs", "8 stanowisk", "--rules", "zgłoszenia telefonicznie"]
    assert main(["--db", str(db), "assessments", "add", "--client", "1", *assessed]) == 0
    assert main(["--db", str(db), "contracts", "import", str(SAMPLES / "contracts.csv")]) == 0
    capsys.readouterr()
    return db


def _problems(err: str) -> list[str]:
    return [line.strip() for line in err.splitlines()[1:]]


@pytest.mark.parametrize("check", [["--check"], []])
def test_client_check_lists_format_and_database_problems_together(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], check: list[str]
) -> None:
    f = tmp_path / "k.csv"
    f.write_text("Nazwa;Rodzaj;NIP\nInna Firma;firma;5213010002\nZła;zzz;\n", encoding="utf-8")
    assert main(["--db", str(firm), "import", *check, str(f)]) == 1
    err = capsys.readouterr().err
    assert "2 problems" in err
    found = _problems(err)
    assert found[0].startswith("Line 2, column NIP: NIP 5213010002 belongs to")
    assert found[1].startswith("Line 3, column Rodzaj: must be company/firma")


def test_people_check_lists_format_and_database_problems_together(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "p.csv"
    f.write_text("Login;Imię i nazwisko;Rola\nkasia;K Z;technik\nzły login;X;technik\n", "utf-8")
    assert main(["--db", str(firm), "people", "import", "--check", str(f)]) == 1
    found = _problems(capsys.readouterr().err)
    assert len(found) == 2
    assert found[0].startswith("Line 2, column Rola: kasia is already a person of the firm")
    assert found[1].startswith("Line 3, column Login: 'zły login' cannot be an OS login: use lower")


def test_contract_check_lists_a_row_too_long_with_the_database_problems(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "c.csv"
    f.write_text(
        HEADER
        + "5213010002,service-50h,UM/2026/007,2026-03-01,,1,\n"
        + '"Nikt,service-50h,,2026-03-01,,'
        + "x" * 120_000
        + "\n"
        + "Nikt Taki,service-50h,,2026-03-01,,,\n",
        encoding="utf-8",
    )
    assert main(["--db", str(firm), "contracts", "import", "--check", str(f)]) == 1
    found = _problems(capsys.readouterr().err)
    assert [p.split(":")[0] for p in found] == [
        "Line 2, column number", "Line 3", "Line 4, column client",
    ]  # fmt: skip
    assert "the row is longer than 100000 characters" in found[1]


def test_a_bad_row_hides_no_other_row() -> None:
    """An over-long cell, an over-long row, an unclosed quote: each its own problem, and
    the rows around them are still checked."""
    text = (
        "name,kind\n"
        "A,zzz\n"
        "B," + "x" * 20_000 + "\n"
        '"C,' + "y" * 60_000 + "\n" + "y" * 60_000 + "\n"
        "D,yyy\n"
        '"E,firma\n'
        "F,bad\n"
    )
    found = read_clients(text)
    assert sorted((p.line, p.column) for p in found.problems) == [
        (2, "kind"), (3, "kind"), (4, ""), (5, "name"), (6, "kind"), (7, ""), (8, "kind"),
    ]  # fmt: skip
    assert [r.line for r in found.rows] == []


def test_a_row_with_a_multi_line_cell_is_reported_where_it_starts() -> None:
    text = 'name,kind,street\n"Firma\nDwa",zzz,"ul. Długa 1\nm. 2"\nOK,firma,\nZ,bad,\n'
    found = read_clients(text)
    assert [(p.line, p.column) for p in found.problems] == [(2, "kind"), (6, "kind")]
    assert [r.line for r in found.rows] == [5]


def test_negative_hours_say_so() -> None:
    with pytest.raises(ImportFileError) as err:
        parse_contracts_csv(
            HEADER + "5213010002,service-50h,X,2026-03-01,,-5,\n", load_pricelist(), TODAY
        )
    (problem,) = err.value.problems
    assert problem.column == "hours_used"
    assert problem.message.startswith("hours used can't be negative (-5)")


def test_hours_used_only_for_a_contract_already_running() -> None:
    prices = load_pricelist()
    with pytest.raises(ImportFileError) as err:
        parse_contracts_csv(HEADER + "5213010002,service-50h,X,2026-12-01,,5,\n", prices, TODAY)
    (problem,) = err.value.problems
    assert (problem.line, problem.column) == (2, "hours_used")
    assert "after today" in problem.message
    (row,) = parse_contracts_csv(HEADER + "5213010002,service-50h,X,2026-12-01,,,\n", prices, TODAY)
    assert row.opening_used_minutes == 0
    (row,) = parse_contracts_csv(
        HEADER + "5213010002,service-50h,X,2026-11-24,,5,\n", prices, TODAY
    )
    assert row.opening_used_minutes == 300


def test_hints_of_a_polish_file_are_polish() -> None:
    with pytest.raises(ImportFileError) as err:
        parse_people_csv("Login;Imię i nazwisko;Umiejętności\nola;Ola;sprzęt, magia\n")
    (problem,) = err.value.problems
    assert problem.column == "Umiejętności"
    assert problem.message == (
        "unknown skill 'magia'; use sprzęt, oprogramowanie, sieć, kopie zapasowe, szkolenia, inne."
    )
    with pytest.raises(ImportFileError) as err:
        parse_people_csv("login,name,skills\nola,Ola,magic\n")
    assert "use hardware, software, network" in err.value.problems[0].message
    with pytest.raises(ImportFileError) as err:
        parse_people_csv("Imię i nazwisko;Rola\nOla;technik\n")
    assert [(p.column, p.message) for p in err.value.problems] == [
        ("Login", "the column is missing")
    ]
    (left_out,) = read_clients("Nazwa;Rodzajj\nX;firma\n").warnings  # left out, not refused
    assert "known: E-mail, Kod pocztowy, Miejscowość, NIP, Nazwa" in left_out.message
    with pytest.raises(ImportFileError) as err:
        parse_people_csv("Login;Imię i nazwisko;Rola\nola;Ola;szef\n")
    assert "technician/technik, dispatcher/dyspozytor or admin" in str(err.value)


def test_imported_contracts_say_who_imported_them(firm: Path) -> None:
    conn = sqlite3.connect(firm)
    try:
        signers = {r[0] for r in conn.execute("SELECT signed_by FROM contract")}
    finally:
        conn.close()
    assert signers == {IMPORTED_BY + os_login()}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250", "iso-8859-2", "utf-16"])
def test_the_encoding_is_told_a_piece_at_a_time(encoding: str) -> None:
    """Pieces cut anywhere, even inside a Polish letter, tell the encoding the whole would."""
    data = ("Nazwa;Miejscowość\n" + "Źródło Śląska;Łódź ąś\n" * 50).encode(encoding)
    pieces = [data[i : i + 7] for i in range(0, len(data), 7)]
    assert spreadsheet.encoding_of(pieces) == spreadsheet.encoding_of([data])
    assert data.decode(spreadsheet.encoding_of(pieces)).lstrip("\ufeff").startswith("Nazwa")
