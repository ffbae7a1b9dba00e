"""The ``report statement`` and ``contracts`` subcommands, as a script would call them."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from bbdispatch.cli import main


def run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def statement(db: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return run(db, capsys, "report", "statement", "--client", "3", "--from", "2026-11-01",
               "--to", "2026-11-30", *extra)  # fmt: skip


def test_json_statement_has_lines_contracts_and_string_totals(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = statement(demo_db_path, capsys, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"lines", "contracts", "totals"} <= data.keys()
    assert data["totals"]["net"] == "1800.00"
    assert data["totals"]["vat"] == "414.00"
    assert data["totals"]["gross"] == "2214.00"
    assert data["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert [ln["billed_minutes"] for ln in data["lines"]] == [
        90,
        30,
        30,
    ]  # inventory 02.11 (80 min), backup checks 09.11 and 16.11
    assert data["lines"][0]["date"] == "2026-11-02"


def test_csv_reads_back_and_semicolon_uses_decimal_comma(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "s.csv"
    code, _out, _err = statement(demo_db_path, capsys, "--format", "csv", "--output", str(target))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    lines = [r for r in rows if r["record"] == "line"]
    assert len(lines) == 3
    assert lines[0]["billed_hours"] == "1.50"
    total = {r["record"]: r["net_pln"] for r in rows if r["record"].startswith("total")}
    assert total == {"total_net": "1800.00", "total_gross": "2214.00"}
    assert lines[0]["date"] == "2026-11-02"
    code, out, _err = statement(demo_db_path, capsys, "--format", "csv", "--delimiter", ";")
    # The Polish document: BOM, Polish headers and words, dd.mm.yyyy, decimal commas.
    assert out.startswith("\ufeffRodzaj;Data;Zlecenie;")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    gross = next(r for r in rows if r["Rodzaj"] == "razem brutto")["Netto [zł]"]
    assert gross == "2214,00"
    assert Decimal(gross.replace(",", ".")) == Decimal("2214.00")
    work = [r for r in rows if r["Rodzaj"] == "praca"]
    assert work[0]["Data"] == "02.11.2026"
    assert work[0]["Rozliczono [h]"] == "1,50"
    assert work[0]["Tryb"] in {"zdalnie", "na miejscu"}
    assert "." not in "".join(r["Rozliczono [h]"] + r["Netto [zł]"] for r in rows)


def test_md_and_html_are_polish(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, md, _err = statement(demo_db_path, capsys, "--format", "md")
    assert "Wykaz prac" in md
    assert "09.11.2026" in md
    assert "2 214,00 zł" in md
    _code, html, _err = statement(demo_db_path, capsys, "--format", "html")
    assert html.startswith("<!DOCTYPE html>")
    assert 'lang="pl"' in html
    assert "1 800,00 zł" in html
    assert "Razem brutto" in html


@pytest.mark.parametrize(
    ("args", "message", "exit_code"),
    [
        (["--client", "99", "--from", "2026-11-01", "--to", "2026-11-30"], "No client", 1),
        (["--client", "3", "--from", "2026-11-30", "--to", "2026-11-01"], "before it starts", 1),
        (["--client", "2", "--from", "2026-01-01", "--to", "2026-01-31"], "Nothing to bill", 1),
        (["--client", "3", "--from", "30.02.2026", "--to", "2026-11-01"], "--from: Not a date", 2),
        (["--client", "abc", "--from", "2026-11-01", "--to", "2026-11-30"], "not a client", 2),
    ],
)
def test_bad_input_gets_one_clear_line_and_nonzero_exit(
    demo_db_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
    exit_code: int,
) -> None:
    code, out, err = run(demo_db_path, capsys, "report", "statement", *args)
    assert code == exit_code
    assert message in err
    assert err.count("\n") == 1
    assert out == ""


def test_issue_locks_a_past_period(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", "statement", "--client", "2", "--from", "2026-08-01", "--to", "2026-08-31"]
    code, out, err = run(demo_db_path, capsys, *args, "--format", "json", "--issue")
    assert code == 0
    assert "Issued statement WP/" in err
    issued = json.loads(out)
    assert issued["statement_id"] == 1
    assert issued["number"].startswith("WP/")
    # Printed again later, it is the same document, byte for byte.
    code, again, _err = run(demo_db_path, capsys, *args, "--format", "json")
    assert (code, again) == (0, out)
    code, _out, err = run(demo_db_path, capsys, *args, "--issue")
    assert code == 1
    assert "already issued" in err


def test_contracts_text_shows_the_fee_and_why_there_is_no_forecast(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text listing lacked the IT-admin fee and the forecast's reason (the TUI had them)."""
    code, out, _err = run(demo_db_path, capsys, "--lang", "pl", "contracts", "--client", "3")
    assert code == 0
    lines = out.splitlines()
    it_admin = "Umowa administrowania zasobami IT"
    fee = lines.index(next(ln for ln in lines if it_admin in ln)) + 1
    assert lines[fee].strip() == "Opłata miesięczna 1 800,00 zł (administrowanie IT)."
    assert any(ln.strip().startswith("Brak prognozy") for ln in lines)


def test_contracts_json(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(demo_db_path, capsys, "contracts", "--client", "2", "--json")
    assert code == 0
    [starter] = json.loads(out)
    assert starter["code"] == "starter-10h"
    assert starter["number"] == "BB/2026/002"
    assert (starter["hours_included"], starter["hours_used"], starter["hours_left"]) == (
        "10.00", "9.50", "0.50",
    )  # fmt: skip
    assert starter["offer_service_contract"] is True
    code, _out, err = run(demo_db_path, capsys, "contracts", "--client", "99", "--json")
    assert code == 1
    assert "No client with id 99" in err


def test_time_edit_corrects_an_issued_entry_as_the_screen_does(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``time edit`` refused an issued entry outright: only the TUI's F7 could correct it."""
    code, _out, _err = run(
        demo_db_path, capsys, "report", "statement", "--client", "5", "--from", "2026-10-01",
        "--to", "2026-10-31", "--issue", "--format", "md", "--output",
        str(demo_db_path.parent / "october.md"),
    )  # fmt: skip
    assert code == 0
    issued = (demo_db_path.parent / "october.md").read_text(encoding="utf-8")
    entry = [
        "--as",
        "bogdan",
        "time",
        "edit",
        "6",
        "--from",
        "2026-10-22T07:00",
        "--to",
        "2026-10-22T09:00",
    ]
    code, _out, err = run(demo_db_path, capsys, *entry)
    assert code == 1
    assert "an admin corrects it with a reason (--reason TEXT)" in err
    # Role-checked: a dispatcher may not correct an issued entry.
    code, _out, err = run(demo_db_path, capsys, "--as", "beata", *entry[2:], "--reason", "x")
    assert code == 1 and "not allowed" in err.lower()
    code, out, _err = run(demo_db_path, capsys, *entry, "--reason", "Klient: 2 h", "--json")
    assert code == 0
    assert json.loads(out)["correction"] == 1
    code, out, _err = run(
        demo_db_path, capsys, "report", "statement", "--client", "5", "--from", "2026-11-01",
        "--to", "2026-11-30", "--format", "json",
    )  # fmt: skip
    [correction] = json.loads(out)["corrections"]
    assert correction["refers_to"] == "WP/2026/12/001"
    assert Decimal(correction["net_delta"]) == Decimal("-100.00")
    assert "Klient: 2 h" in correction["reason"]
    # The issued document is as it was.
    code, out, _err = run(
        demo_db_path, capsys, "report", "statement", "--client", "5", "--from", "2026-10-01",
        "--to", "2026-10-31", "--format", "md",
    )  # fmt: skip
    assert out == issued
