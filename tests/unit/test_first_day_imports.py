"""What a fresh tester found in the first-day imports: every bad row in one pass, no quiet
rounding, no silent skips, files named by their own headers, encodings told apart."""

from __future__ import annotations

import codecs
import sqlite3
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.paths import reference_data_dir
from bbdispatch.pricelist import load_pricelist
from bbdispatch.services import import_contracts, spreadsheet
from bbdispatch.services.import_clients import parse_client_csv
from bbdispatch.services.import_contracts import parse_contracts_csv
from bbdispatch.services.spreadsheet import ImportFileError, decode

SAMPLES = reference_data_dir() / "samples"
TODAY = date(2026, 11, 24)
HEADER = "client,product,number,start,end,hours_used,monthly_fee\n"


def _first_day(db: Path) -> None:
    from tests.unit.test_first_day import _first_day as first_day

    first_day(db)


def _count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def firm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "firm.db"
    _first_day(db)
    capsys.readouterr()
    return db


def _run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def test_reimporting_contracts_without_numbers_adds_nothing(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "c.csv"
    f.write_text(HEADER + "5213010002,network-1h,,2026-02-01,,,\n", encoding="utf-8")
    assert _run(firm, "contracts", "import", str(f)) == 0
    assert _count(firm, "contract") == 5
    capsys.readouterr()
    assert _run(firm, "contracts", "import", "--check", str(f)) == 1
    assert "same contract when the client, product and start agree" in capsys.readouterr().err
    assert _run(firm, "contracts", "import", str(f)) == 1
    assert _count(firm, "contract") == 5
    # Two such rows in one file cannot be told apart either.
    f.write_text(HEADER + "7792190007,service-50h,,2026-02-01,,,\n" * 2, encoding="utf-8")
    assert _run(firm, "contracts", "import", str(f)) == 1
    assert "same client, product and start as line 2" in capsys.readouterr().err
    assert _count(firm, "contract") == 5


def test_contract_for_an_archived_client_is_refused(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = (
        sqlite3.connect(firm)
        .execute("SELECT id FROM client WHERE nip = '7792190007'")
        .fetchone()[0]
    )
    assert _run(firm, "clients", "archive", str(client_id)) == 0
    f = tmp_path / "c.csv"
    f.write_text(HEADER + "7792190007,network-1h,N/1,2026-02-01,,,\n", encoding="utf-8")
    capsys.readouterr()
    assert _run(firm, "contracts", "import", str(f)) == 1
    err = capsys.readouterr().err
    assert "Line 2, column client: Biuro Podróży Łódka" in err
    assert f"bbdispatch clients reactivate {client_id}" in err
    assert _count(firm, "contract") == 4
    assert _run(firm, "clients", "reactivate", str(client_id)) == 0
    assert _run(firm, "contracts", "import", str(f)) == 0
    assert _count(firm, "contract") == 5


def test_nip_with_a_bad_check_digit_is_an_error_not_an_id(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "c.csv"
    f.write_text(HEADER + "5213010003,network-1h,N/2,2026-02-01,,,\n", encoding="utf-8")
    assert _run(firm, "contracts", "import", "--check", str(f)) == 1
    err = capsys.readouterr().err
    assert "Line 2, column client: 5213010003 is not a valid NIP" in err
    assert "no client with id" not in err


def test_a_second_it_administration_for_one_client_is_refused(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "c.csv"
    f.write_text(
        HEADER
        + "8943020003,it-admin,ADM/9,2026-01-01,,,300\n"  # the sample gave it ADM/2025/002
        + "5213010002,it-admin,ADM/10,2026-01-01,,,300\n"
        + "5213010002,it-admin,ADM/11,2026-02-01,,,400\n",
        encoding="utf-8",
    )
    assert _run(firm, "contracts", "import", "--check", str(f)) == 1
    err = capsys.readouterr().err
    # Signing's rule, row by row: the database's contract, then the row above.
    fee = "This client already has an IT administration contract in force over that period"
    assert f"Line 2, column product: {fee} (ADM/2025/002, from 01/07/2025" in err, err
    assert f"Line 4, column product: {fee} (ADM/10, from 01/01/2026" in err, err
    assert "Line 3" not in err


@pytest.mark.parametrize(
    ("cell", "minutes"),
    [("49,99", None), ("49:59", 2999), ("31,5", 1890), ("0,05", 3), ("1e2", None), ("-1", None)],
)
def test_hours_are_whole_minutes_never_rounded(cell: str, minutes: int | None) -> None:
    assert import_contracts.parse_minutes(cell) == minutes


def test_quiet_rounding_and_absurd_values_are_bad_rows() -> None:
    text = (
        "klient;produkt;numer;początek;koniec;godziny wykorzystane;opłata miesięczna\n"
        "5213010002;service-50h;A/1;2026-01-01;;49,99;\n"
        "5213010002;it-admin;A/2;2026-01-01;;;0,001\n"
        "5213010002;it-admin;A/3;2026-01-01;;;1e9\n"
        "5213010002;it-admin;A/4;2026-01-01;;;1000000000\n"
        "5213010002;network-1h;A/5;01.01.1900;;;\n"
        "5213010002;network-1h;A/6;2026-01-01;31.12.2999;;\n"
        "5213010002;network-1h;A/7;2999-01-01;;;\n"
    )
    with pytest.raises(ImportFileError) as caught:
        parse_contracts_csv(text, load_pricelist(), TODAY)
    got = {(p.line, p.column): p.message for p in caught.value.problems}
    assert "whole minutes" in got[(2, "godziny wykorzystane")]
    assert "more than 2 decimals" in got[(3, "opłata miesięczna")]
    assert "is not an amount" in got[(4, "opłata miesięczna")]
    assert "a comma missing" in got[(5, "opłata miesięczna")]
    assert "outside the years 2000–2036" in got[(6, "początek")]
    assert "outside the years" in got[(7, "koniec")]
    assert "outside the years" in got[(8, "początek")]
    assert len(got) == 7
    ok = parse_contracts_csv(
        text.splitlines()[0] + "\n5213010002;service-50h;A/1;2026-01-01;;49:59;\n",
        load_pricelist(),
        TODAY,
    )
    assert ok[0].opening_used_minutes == 2999


def test_client_file_problems_name_the_files_own_headers() -> None:
    text = "Nazwa;Rodzaj;NIP\nAzor;sklep;\nBeta;firma;123\n"
    with pytest.raises(ImportFileError) as caught:
        parse_client_csv(text)
    shown = str(caught.value)
    assert "Line 2, column Rodzaj: must be company/firma" in shown
    assert "Line 3, column NIP:" in shown
    assert "column kind" not in shown and "column nip" not in shown


def test_nip_of_another_client_in_the_database_is_a_bad_row(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "k.csv"
    f.write_text("Nazwa;NIP\nNowy Klient;5213010002\nInny;1234563218\n", encoding="utf-8")
    before = _count(firm, "client")
    for check in (["--check"], []):
        assert _run(firm, "import", *check, str(f)) == 1
        err = capsys.readouterr().err
        assert "Line 2, column NIP: NIP 5213010002 belongs to 'Kancelaria Radcowska" in err
        assert "Line 3" not in err
    assert _count(firm, "client") == before
    # The same client under the same name is simply already there.
    f.write_text("Nazwa;NIP\nKancelaria Radcowska Nowicka i Wspólnicy;5213010002\n", "utf-8")
    assert _run(firm, "import", str(f)) == 0
    assert "0 clients added, 1 already there" in capsys.readouterr().out


def test_a_login_with_another_role_is_a_bad_row(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "p.csv"
    f.write_text("Login;Imię i nazwisko;Rola\nkasia;Katarzyna Zielińska;technik\n", "utf-8")
    for check in (["--check"], []):
        assert _run(firm, "people", "import", *check, str(f)) == 1
        err = capsys.readouterr().err
        assert "Line 2, column Rola: kasia is already a person of the firm as dispatcher" in err
    role = (
        sqlite3.connect(firm)
        .execute("SELECT role FROM technician WHERE login = 'kasia'")
        .fetchone()
    )
    assert role == ("dispatcher",)


POLISH = "Nazwa;Miejscowość\nŹródło Śląska;Łódź ąś\n"


@pytest.mark.parametrize("encoding", ["cp1250", "iso-8859-2", "utf-16", "utf-8-sig"])
def test_polish_encodings_are_told_apart(encoding: str) -> None:
    assert decode(POLISH.encode(encoding)) == POLISH


def test_ambiguous_or_zero_bytes_are_refused_with_how_to_save_utf8() -> None:
    mixed = "ą".encode("cp1250") + "ą".encode("iso-8859-2")  # both readings look wrong
    with pytest.raises(ImportFileError, match="Save it as UTF-8.*CSV UTF-8"):
        decode(b"Nazwa\n" + mixed + b"\n")
    no_bom = "Nazwa\nAzor\n".encode("utf-16-le")
    with pytest.raises(ImportFileError, match="UTF-16 without its mark"):
        decode(no_bom)


def test_a_large_file_is_read_a_line_at_a_time_and_long_fields_in_plain_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file over the old 32 MB refusal is checked, read a piece at a time: what the
    reading holds stays far below the file's size (the rows kept are the file's own)."""
    assert main(["--db", str(tmp_path / "x.db"), "init"]) == 0  # a check needs the right
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write("name;city\n")
        for _n in range(3_500):  # rows with nothing in them are read and left out
            out.write(" " * 10_000 + ";\n")
        out.write("Azor;Łódź\n")
    assert big.stat().st_size > 33 * 1024 * 1024
    tracemalloc.start()
    try:
        assert main(["--db", str(tmp_path / "x.db"), "import", "--check", str(big)]) == 0
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "1 client, no problems found" in capsys.readouterr().out
    assert peak < 8 * 1024 * 1024, peak
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 2)
    many = tmp_path / "many.csv"
    many.write_text("name\nA\nB\nC\nD\n", encoding="utf-8")
    assert main(["--db", str(tmp_path / "x.db"), "import", "--check", str(many)]) == 1
    assert "Line 4: the file has more than 2 rows" in capsys.readouterr().err
    monkeypatch.undo()
    long = tmp_path / "long.csv"
    long.write_text("name\n" + "A" * 20_000 + "\n", encoding="utf-8")
    assert main(["--db", str(tmp_path / "x.db"), "import", "--check", str(long)]) == 1
    err = capsys.readouterr().err
    assert "longer than 10000 characters" in err
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text('name\n"Azor\n' + "x" * 200_000 + "\n", encoding="utf-8")
    assert main(["--db", str(tmp_path / "x.db"), "import", "--check", str(unclosed)]) == 1
    err = capsys.readouterr().err
    assert "Line 2: the row is longer than 100000 characters" in err
    assert "field limit" not in err


def test_utf16_with_bom_imports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "k.csv"
    f.write_bytes(codecs.BOM_UTF16_LE + "name;city\nAzor;Łódź\n".encode("utf-16-le"))
    assert main(["--db", str(tmp_path / "x.db"), "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(tmp_path / "x.db"), "import", "--check", str(f)]) == 0
    assert "1 client, no problems found" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("command", "text", "known"),
    [
        (
            ["people", "import"],
            "Login;Imię i nazwisko;Rola;Uwagi\nola;Ola Nowak;technik;nowa\n",
            "known: Imię i nazwisko, Login, Na miejscu, Rola, Telefon, Umiejętności",
        ),
        (
            ["import"],
            "Nazwa;Rodzaj;Uwagi\nSklep Ola;firma;stały klient\n",
            "known: E-mail, Kod pocztowy, Miejscowość, NIP, Nazwa, Osoba kontaktowa, Rodzaj",
        ),
        (
            ["contracts", "import"],
            "Klient;Produkt;Początek;Uwagi\n5213010002;starter-10h;2026-11-02;x\n",
            "known: Godziny wykorzystane, Klient, Koniec, Numer umowy, Opłata miesięczna",
        ),
        (
            ["import"],
            "name,kind,notes\nOla's Shop,company,regular\n",
            "known: city, contact_person, email, kind, name, nip, phone, postal_code, street",
        ),
    ],
)
def test_an_extra_column_is_left_out_with_a_warning_in_the_files_language(
    firm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    text: str,
    known: str,
) -> None:
    """Spreadsheets carry columns of their own: one extra column refused the whole file,
    and a Polish file was told the known columns in English."""
    f = tmp_path / "extra.csv"
    f.write_text(text, "utf-8")
    extra = text.split("\n")[0].replace(";", ",").split(",")[-1]
    for check in (["--check"], []):
        assert _run(firm, *command, *check, str(f)) == 0, capsys.readouterr().err
        out = capsys.readouterr()
        (warning,) = out.err.splitlines()
        assert warning.startswith(f"{f}: warning: Line 1, column {extra}: "), warning
        assert "left out" in warning and known in warning, warning
        assert "no problems found" in out.out if check else "added" in out.out


def test_a_misspelt_polish_header_is_told_the_polish_names(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'Imie i nazwsko' beside 'Login' (which both languages share): the file is Polish,
    the missing column and the known ones are named the Polish way."""
    f = tmp_path / "p.csv"
    f.write_text("Login;Imie i nazwsko\nola;Ola\n", "utf-8")
    assert _run(firm, "people", "import", "--check", str(f)) == 1
    err = capsys.readouterr().err
    assert "column Imie i nazwsko: not a column the import knows" in err, err
    assert "known: Imię i nazwisko, Login" in err and "column Imię i nazwisko: the column is" in err


def test_people_import_completes_the_first_admin_init_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18: init made the first admin with only a login; people.csv naming them failed
    (or was skipped as already there), so their name, skills and on-site never came in.
    A row for a login already there with the same role updates that person."""
    from bbdispatch.services.people import os_login

    db = tmp_path / "firm.db"
    assert _run(db, "init") == 0
    me = os_login()
    f = tmp_path / "people.csv"
    f.write_text(
        "Login;Imię i nazwisko;Rola;Umiejętności;Na miejscu;Telefon\n"
        f"{me};Bogdan Nowak;administrator;sieć, kopie;nie;602 300 400\n"
        "ola;Ola Wrona;technik;sprzęt;tak;\n",
        "utf-8",
    )
    capsys.readouterr()
    assert _run(db, "people", "import", "--check", str(f)) == 0
    assert "(to add: 1, will update: 1, already there: 0)" in capsys.readouterr().out
    assert _run(db, "people", "import", str(f)) == 0
    assert "1 person added, 1 updated, 0 already there" in capsys.readouterr().out
    conn = sqlite3.connect(db)
    row = conn.execute(
        "SELECT name, role, does_onsite, phone FROM technician WHERE login = ?", (me,)
    ).fetchone()
    skills = conn.execute(
        "SELECT category FROM technician_skill JOIN technician t ON t.id = technician_id"
        " WHERE t.login = ? ORDER BY category",
        (me,),
    ).fetchall()
    audited = conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'details_imported'"
    ).fetchone()
    conn.close()
    assert row == ("Bogdan Nowak", "admin", 0, "+48602300400")
    assert skills == [("backup",), ("network",)]
    assert audited == (1,)
    assert _run(db, "people", "import", str(f)) == 0  # again: nothing to change
    assert "0 people added, 0 updated, 2 already there" in capsys.readouterr().out
    assert _run(db, "audit", "verify") == 0, capsys.readouterr()
