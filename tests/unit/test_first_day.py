"""A firm's first day: init, the three imports from the sample files, balances right."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.paths import reference_data_dir
from bbdispatch.pricelist import load_pricelist
from bbdispatch.reports.csv_report import render_csv
from bbdispatch.reports.html_report import render_html
from bbdispatch.reports.json_report import statement_dict
from bbdispatch.reports.markdown_report import render_markdown
from bbdispatch.services.context import Ctx
from bbdispatch.services.import_contracts import parse_contracts_csv
from bbdispatch.services.import_people import parse_people_csv
from bbdispatch.services.spreadsheet import ImportFileError, decode
from bbdispatch.services.statements import build_statement

SAMPLES = reference_data_dir() / "samples"
FORMA = 4


def _first_day(db: Path) -> None:
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "people", "import", str(SAMPLES / "people.csv")]) == 0
    assert main(["--db", str(db), "import", str(SAMPLES / "clients.csv")]) == 0
    # The service contract's client has its needs assessment on file, as for signing.
    assessed = ["--needs", "8 stanowisk, serwer plików", "--rules", "zgłoszenia telefonicznie"]
    assert main(["--db", str(db), "assessments", "add", "--client", "1", *assessed]) == 0
    assert main(["--db", str(db), "contracts", "import", str(SAMPLES / "contracts.csv")]) == 0


def test_samples_are_the_encodings_polish_spreadsheets_write() -> None:
    assert (SAMPLES / "clients.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 + BOM
    with pytest.raises(UnicodeDecodeError):
        (SAMPLES / "people.csv").read_bytes().decode("utf-8")  # Windows-1250
    assert b";" in (SAMPLES / "people.csv").read_bytes().splitlines()[0]
    assert b"," in (SAMPLES / "contracts.csv").read_bytes().splitlines()[0]


def test_first_day_from_the_sample_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    _first_day(db)
    out = capsys.readouterr().out
    assert "3 people added" in out and "5 clients added" in out
    assert "4 contracts added, 35.5 h of opening balance" in out
    assert main(["--db", str(db), "contracts", "--json"]) == 0
    views = {v["number"]: v for v in json.loads(capsys.readouterr().out)}
    service = views["UM/2026/007"]
    assert (service["hours_used_opening"], service["hours_used"], service["hours_left"]) == (
        "31.50", "31.50", "18.50",
    )  # fmt: skip
    assert views["UM/2026/011"]["hours_left"] == "6.00"
    assert views["ADM/2025/002"]["code"] == "it-admin"
    # Everywhere the block's hours are shown, the opening balance is named.
    assert main(["--db", str(db), "contracts"]) == 0
    assert (
        "31.5 h of 50 h used, 18.5 h left (63%) · opening balance 31.5 h" in capsys.readouterr().out
    )
    kancelaria = str(service["client_id"])
    assert main(["--db", str(db), "clients", "show", kancelaria]) == 0
    assert "Opening balance: 31.5 h used before bbdispatch (imported)." in capsys.readouterr().out
    assert main(["--db", str(db), "clients", "show", kancelaria, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["contracts"][0]["hours_used_opening"] == "31.50"
    conn = sqlite3.connect(db)
    fee = conn.execute("SELECT net_grosze FROM contract WHERE number = 'ADM/2025/002'").fetchone()
    kinds = dict(conn.execute("SELECT name, kind FROM client").fetchall())
    people = dict(conn.execute("SELECT login, role FROM technician").fetchall())
    conn.close()
    assert fee == (120000,)
    assert kinds["Jadwiga Żółkiewska"] == "private"
    assert people["kasia"] == "dispatcher" and people["marek"] == "technician"
    # Running it all again changes nothing (people and clients skip, contracts refuse).
    assert main(["--db", str(db), "people", "import", str(SAMPLES / "people.csv")]) == 0
    assert main(["--db", str(db), "contracts", "import", str(SAMPLES / "contracts.csv")]) == 1
    err = capsys.readouterr().err
    assert "UM/2026/007 is already a contract" in err
    assert "4 problems" in err and "already has IT administration" not in err


async def test_opening_balance_is_named_on_the_statement(demo_ctx: Ctx) -> None:
    nov = (date(2026, 11, 1), date(2026, 11, 23))
    before = await build_statement(demo_ctx, FORMA, *nov)
    block = next(t for t in before.contracts if t.left_before is not None)
    assert block.left_before is not None
    async with demo_ctx.db.transaction():  # as 'contracts import' would have recorded it
        await demo_ctx.db.execute(
            "UPDATE contract SET opening_used_minutes = 90 WHERE id = ?", (block.contract.id,)
        )
    after = await build_statement(demo_ctx, FORMA, *nov)
    moved = next(t for t in after.contracts if t.contract.id == block.contract.id)
    assert moved.left_before == block.left_before - 90
    assert "saldo otwarcia: 1,5 h wykorzystane przed" in render_markdown(after)
    assert "saldo otwarcia: 1,5 h" in render_html(after)
    assert "bilans" not in render_markdown(after) + render_html(after)
    script = list(csv.DictReader(io.StringIO(render_csv(after))))
    mine = next(
        r for r in script if r["contract"] == block.contract.number and r["record"] == "contract"
    )
    assert mine["hours_used_opening"] == "1.50"
    polish = render_csv(after, ";")
    assert "Saldo otwarcia [h]" in polish and ";1,50\r\n" in polish
    listed = next(
        c for c in statement_dict(after)["contracts"] if c["contract_id"] == block.contract.id
    )
    assert listed["hours_used_opening"] == "1.50"


def test_contracts_check_reports_every_bad_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    _first_day(db)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "klient;produkt;numer;początek;godziny wykorzystane;opłata miesięczna\n"
        "Nikt Taki;service-50h;X/1;2026-01-01;10;\n"
        "5213010002;starter-10h;X/2;2026-01-01;12;\n"
        "5213010002;it-admin;X/3;2026-01-01;;\n"
        "5213010002;service-50h;X/4;jutro;;\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["--db", str(db), "contracts", "import", "--check", str(bad)]) == 1
    err = capsys.readouterr().err
    # One pass: the file's own problems and the database's (the unknown client) together,
    # each column named as the file's header writes it.
    assert "4 problems" in err
    assert "Line 2, column klient: no client named 'Nikt Taki'" in err
    assert "Line 3, column godziny wykorzystane: 12 h used is more than the 10 h" in err
    assert "Line 4, column opłata miesięczna: IT administration needs" in err
    assert "Line 5, column początek: 'jutro' is not a date" in err
    assert err.index("Line 2") < err.index("Line 3") < err.index("Line 5")
    count = sqlite3.connect(db).execute("SELECT count(*) FROM contract").fetchone()
    assert count == (4,)


def test_people_file_problems_by_line_and_column() -> None:
    text = (
        "login,name,role,skills,onsite\nanna,Anna,technik,sieć,tak\nBad One,,szef,gotowanie,może\n"
    )
    with pytest.raises(ImportFileError) as err:
        parse_people_csv(text)
    assert [(p.line, p.column) for p in err.value.problems] == [
        (3, "login"), (3, "name"), (3, "role"), (3, "skills"), (3, "onsite"),
    ]  # fmt: skip
    rows = parse_people_csv(text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n")
    assert rows[0].skills == frozenset({"network"}) and rows[0].does_onsite


def test_contract_rows_accept_polish_dates_and_decimal_commas() -> None:
    text = decode(
        "klient;produkt;początek;godziny wykorzystane\nAzor;Umowa startowa 10 h;15.09.2026;2,5\n".encode(
            "cp1250"
        )
    )
    (row,) = parse_contracts_csv(text, load_pricelist())
    assert row.product.code == "starter-10h" and row.opening_used_minutes == 150
    assert row.starts_on.isoformat() == "2026-09-15"


def test_people_import_is_for_admins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", "--admin", "somebody-else"]) == 0
    # A login that is no admin (root would act as admin: docs/rights.md).
    monkeypatch.setattr("bbdispatch.commands.common.os_login", lambda: "somebody")
    monkeypatch.setattr("bbdispatch.commands.common.os_fallback", lambda: None)
    assert main(["--db", str(db), "people", "import", str(SAMPLES / "people.csv")]) == 1
    assert "not a bbdispatch user" in capsys.readouterr().err


@pytest.mark.parametrize("login", ["Bogdan", "1anna", "-x", "anna nowak", "a" * 33, "ania;rm"])
def test_init_refuses_an_admin_that_cannot_be_an_os_login(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], login: str
) -> None:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", f"--admin={login}"]) == 2
    err = capsys.readouterr().err
    assert "cannot be an OS login" in err and "Traceback" not in err
    assert not db.exists()


def test_init_warns_when_the_admin_has_no_os_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init", "--admin", "nobody-here-xyz"]) == 0
    out, err = capsys.readouterr()
    assert "nobody-here-xyz is the first admin" in out
    assert "no OS account nobody-here-xyz" in err and "useradd -m nobody-here-xyz" in err
    assert main(["--db", str(tmp_path / "b.db"), "init", "--admin", "root"]) == 0
    assert "no OS account" not in capsys.readouterr().err


def test_people_check_says_how_many_the_import_would_add(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``people import --check`` said "3 people, no problems found" and no more, where the
    client import's check says how many it would add and skip."""
    db = tmp_path / "firm.db"
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    people = str(SAMPLES / "people.csv")
    assert main(["--db", str(db), "people", "import", "--check", people]) == 0
    assert (
        "3 people, no problems found (to add: 3, will update: 0, already there: 0)"
        in capsys.readouterr().out
    )
    assert main(["--db", str(db), "people", "import", people]) == 0
    assert "3 people added, 0 updated, 0 already there" in capsys.readouterr().out
    assert main(["--db", str(db), "people", "import", "--check", people]) == 0
    assert "(to add: 0, will update: 0, already there: 3)" in capsys.readouterr().out
