"""Issue 18, a fresh tester's findings on a firm's first day: each pinned by what the
user sees on the command line or what the database holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.services.spreadsheet import ImportFileError, decode
from tests.unit.test_first_day_imports import _first_day

HEADER = "client,product,number,start,end,hours_used,monthly_fee\n"


@pytest.fixture
def firm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "firm.db"
    _first_day(db)
    capsys.readouterr()
    return db


def _run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


MIXED = "Nazwa;Rodzaj\nZąb Świątek;firma\n".encode() + "Źdźbło;firma\n".encode(
    "cp1250"
)  # the first two lines saved as UTF-8, the third as Windows-1250


def test_a_file_mixing_utf8_and_windows_1250_is_refused_at_its_utf8_line(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said 'no problems' and stored 'ZÄ…b ĹšwiÄ…tek'."""
    f = tmp_path / "mixed.csv"
    f.write_bytes(MIXED)
    before = sqlite3.connect(firm).execute("SELECT count(*) FROM client").fetchone()
    for check in (["--check"], []):
        assert _run(firm, "import", *check, str(f)) == 1
        err = capsys.readouterr().err
        assert "Line 2: the file mixes two encodings" in err, err
        assert "CSV UTF-8" in err and "Traceback" not in err
    after = sqlite3.connect(firm).execute("SELECT count(*) FROM client").fetchone()
    assert after == before


@pytest.mark.parametrize("command", [["people", "import"], ["contracts", "import"]])
def test_every_import_refuses_a_mixed_file(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    f = tmp_path / "mixed.csv"
    f.write_bytes(b"a;b\nx;y\n" + "ó;ł\n".encode("cp1250") + "Łódź;ż\n".encode())
    assert _run(firm, *command, "--check", str(f)) == 1
    assert "Line 4: the file mixes two encodings" in capsys.readouterr().err


def test_the_mixed_line_is_found_across_read_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """A UTF-8 letter split between two pieces read is still seen, on the right line."""
    from bbdispatch.services import spreadsheet

    data = b"x\n" * 3 + "ą".encode("cp1250") + b"\nab" + "ś".encode()
    cut = data.index("ś".encode()) + 1
    with pytest.raises(ImportFileError) as caught:
        spreadsheet.encoding_of([data[:cut], data[cut:]])
    assert caught.value.problems[0].line == 5
    # Plain Windows-1250 and plain UTF-8 still read as before.
    assert decode("Źdźbło\n".encode("cp1250")) == "Źdźbło\n"
    assert decode("Źdźbło\n".encode()) == "Źdźbło\n"


def test_an_empty_name_keeps_an_existing_persons_name(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/getting-started.md: 'marek;;technician;;' keeps what is there; it was refused."""
    f = tmp_path / "p.csv"
    f.write_text("login;name;role;skills;onsite\nmarek;;technician;software;\n", "utf-8")
    assert _run(firm, "people", "import", "--check", str(f)) == 0, capsys.readouterr().err
    assert _run(firm, "people", "import", str(f)) == 0, capsys.readouterr().err
    assert "1 updated" in capsys.readouterr().out
    conn = sqlite3.connect(firm)
    (name,) = conn.execute("SELECT name FROM technician WHERE login = 'marek'").fetchone()
    conn.close()
    assert name == "Marek Wróbel"


def test_an_empty_name_for_a_new_login_is_still_a_bad_row(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "p.csv"
    f.write_text("login;name;role\nnowy;;technician\n", "utf-8")
    for check in (["--check"], []):
        assert _run(firm, "people", "import", *check, str(f)) == 1
        assert "Line 2, column name: the name is empty." in capsys.readouterr().err
    conn = sqlite3.connect(firm)
    assert conn.execute("SELECT count(*) FROM technician WHERE login = 'nowy'").fetchone() == (0,)
    conn.close()


@pytest.mark.parametrize("extra", ["Telefon 2", "Klient ID", "Uwagi ąę"])
def test_an_english_file_is_told_the_known_columns_in_english(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str
) -> None:
    """An extra column that looks Polish made an English file's warning list Polish headers."""
    f = tmp_path / "c.csv"
    f.write_text(f"Name,Kind,{extra}\nAzor Nowy,company,x\n", "utf-8")
    assert _run(firm, "import", "--check", str(f)) == 0
    err = capsys.readouterr().err
    assert "known: city, contact_person, email, kind, name, nip," in err, err


@pytest.mark.parametrize(
    ("cell", "column", "digit"), [("٣", "hours_used", "٣"), ("３", "hours_used", "３"),
                                  ("１200", "monthly_fee", "１")]
)  # fmt: skip
def test_numbers_with_non_latin_digits_are_refused_naming_the_cell(
    firm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cell: str,
    column: str,
    digit: str,
) -> None:
    """'٣' and '３' hours were taken as 3."""
    f = tmp_path / "c.csv"
    row = (
        f"5213010002,service-50h,X/1,2026-03-01,,{cell},"
        if column == "hours_used"
        else f"5213010002,it-admin,X/1,2026-03-01,,,{cell}"
    )
    f.write_text(HEADER + row + "\n", "utf-8")
    assert _run(firm, "contracts", "import", "--check", str(f)) == 1
    err = capsys.readouterr().err
    assert f"Line 2, column {column}: '{cell}' has the digit '{digit}', not one of 0-9" in err, err


def test_a_bad_login_is_told_the_rule(
    firm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "p.csv"
    f.write_text("login;name\nJan;Jan Kos\n", "utf-8")
    assert _run(firm, "people", "import", "--check", str(f)) == 1
    err = capsys.readouterr().err
    assert "'Jan' cannot be an OS login: use lower-case letters" in err, err
    assert "starting with a letter or _" in err


DOCS = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"


def _shown_after(command: str) -> list[str]:
    """The output block docs/getting-started.md shows after ``command`` (indent removed)."""
    text = DOCS.read_text("utf-8")
    after = text[text.index(f"    {command}\n\n") + len(command) + 6 :]
    block = after[: after.index("\n\n")]
    return [line.removeprefix("    ") for line in block.splitlines()]


@pytest.mark.parametrize(
    ("lang", "command"),
    [("en", "bbdispatch --db firm.db contracts"), ("pl", "bbdispatch --db firma.db contracts")],
)
def test_the_getting_started_balances_are_what_the_program_prints(
    firm: Path, capsys: pytest.CaptureFixture[str], lang: str, command: str
) -> None:
    """Step 4 showed an old one-line format ('service-50h: 31.5 h ...'); the Polish
    section showed no balances at all."""
    assert _run(firm, "--lang", lang, "contracts") == 0
    printed = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    assert _shown_after(command) == printed


@pytest.mark.parametrize(
    ("command", "text", "column"),
    [
        (["import"], "Nazwa;Rodzaj;NIP\nAzor Nowy;firma;５２１３０１０００２\n", "NIP"),
        (["import"], "Nazwa;Rodzaj;Kod pocztowy\nAzor Nowy;firma;０２-１２３\n", "Kod pocztowy"),
        (["import"], "name,kind,phone\nAzor Nowy,company,６０２ ３００ ４００\n", "phone"),
        (["people", "import"], "login;name;phone\nnowy;Nowy;６０２ ３００ ４００\n", "phone"),
        (["contracts", "import"], HEADER + "５２１３０１０００２,network-1h,X/1,2026-03-01,,,\n",
         "client"),
    ],
)  # fmt: skip
def test_every_imported_number_takes_the_digits_0_9_only(
    firm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    text: str,
    column: str,
) -> None:
    f = tmp_path / "f.csv"
    f.write_text(text, "utf-8")
    assert _run(firm, *command, "--check", str(f)) == 1
    err = capsys.readouterr().err
    assert f"Line 2, column {column}: '" in err and "not one of 0-9" in err, err
