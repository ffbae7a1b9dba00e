"""Stored text through every output: command lines, JSON and the statement's formats.

The hostile corpus (markup, click actions, OSC/CSI sequences, C0/C1 controls,
bidi overrides, a 10 000-character name) is everywhere in the database; no line
a command prints may carry a control character, JSON must give the exact stored
value back, and documents must not run: CSV formulas are neutralised (numbers
stay numbers), Markdown and HTML escape what they must.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.services.people import os_login
from bbdispatch.storage.bulk import record_role
from bbdispatch.text import CONTROL_CODEPOINTS
from tests.hostile import BOLD, CLEAR, CORPUS, MARKERS, OSC, QUIT, poison

HYPERLINK = '=HYPERLINK("http://x";"y")'
CALLBACK = "+48 600 700 800 oddzwonić"
SCRIPT = "<script>alert('x')</script> **bold** [link](http://x) | `code`"


@pytest.fixture
def hostile(demo_db_path: Path) -> Path:
    """The demo with the corpus everywhere; the person running the tests is an admin."""
    poison(demo_db_path)
    conn = sqlite3.connect(demo_db_path)
    try:
        conn.execute(
            "INSERT OR IGNORE INTO technician (login, name, role) VALUES (?, ?, 'admin')",
            (os_login(), f"{QUIT} admin"),
        )
        conn.execute("UPDATE technician SET role = 'admin' WHERE login = ?", (os_login(),))
        record_role(conn, os_login(), "admin")  # as bbdispatch would (docs/rights.md)
        # Client 3's November statement: three entries, each a document attack.
        ids = [r[0] for r in conn.execute(
            "SELECT w.id FROM work_entry w JOIN job j ON j.id = w.job_id"
            " WHERE j.client_id = 3 AND w.started_at >= '2026-11-01'"
            " AND w.started_at < '2026-12-01' ORDER BY w.started_at"
        )]  # fmt: skip
        for entry_id, text in zip(ids, (HYPERLINK, CALLBACK, SCRIPT), strict=False):
            conn.execute("UPDATE work_entry SET description = ? WHERE id = ?", (text, entry_id))
        conn.commit()
    finally:
        conn.close()
    return demo_db_path


def run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_terminal_safe(text: str, what: str) -> None:
    text = text.replace("\r\n", "\n")  # CSV's record separator
    bad = sorted({f"U+{ord(c):04X}" for c in text if ord(c) in CONTROL_CODEPOINTS} - {"U+000A"})
    assert not bad, f"{what}: raw control characters {bad}"


COMMANDS = [
    ("lookup", "22 628 12 34"),
    ("lookup", "601 234 567"),
    ("ring", "601 234 567"),
    ("ring", QUIT),
    ("ring", f"{OSC}{CLEAR}601"),
    ("people", "list"),
    ("contracts",),
    ("clients",),
    ("clients", "show", "1"),
    ("clients", "show", "2"),
    ("clients", "show", "4"),
    ("jobs",),
    ("inventory", "diff", "--client", "3"),
]
"""Commands that print stored text (each also with ``--json`` where it has one)."""


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_commands_print_stored_text_literally(
    hostile: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, err = run(hostile, capsys, *args)
    assert_terminal_safe(out, " ".join(args))
    assert_terminal_safe(err, " ".join(args))
    assert "Traceback" not in err
    if code == 0 and args[0] not in ("ring",):
        assert any(m in out for m in MARKERS), out[:2000]


@pytest.mark.parametrize(
    "args",
    [("people", "list"), ("contracts",), ("clients",), ("jobs",), ("lookup", "601 234 567")],
    ids=" ".join,
)
def test_json_gives_the_exact_stored_text_back(
    hostile: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, _err = run(hostile, capsys, *args, "--json")
    assert code == 0
    assert_terminal_safe(out, " ".join(args))
    found = json.dumps(json.loads(out), ensure_ascii=False)
    assert any(c in found for c in CORPUS), found[:2000]


def test_ring_of_the_issue_is_logged_and_printed_literally(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(hostile, capsys, "ring", "[@click=app.quit]Q[/]")
    assert code == 2  # names no caller: refused, nothing logged (issue 13); echoed literally
    assert "[@click=app.quit]Q[/]" in out + err
    code, out, err = run(hostile, capsys, "ring", f"{OSC}x")
    assert "pwned" in out + err
    assert_terminal_safe(out + err, "ring")


def statement(db: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, err = run(db, capsys, "report", "statement", "--client", "3",
                         "--from", "2026-11-01", "--to", "2026-11-30", *extra)  # fmt: skip
    assert code == 0, err
    assert_terminal_safe(out, "report " + " ".join(extra))
    return out


def test_csv_neutralises_formulas_and_keeps_numbers(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for delimiter in (",", ";"):
        out = statement(hostile, capsys, "--format", "csv", "--delimiter", delimiter)
        if delimiter == ";":  # the Polish document: read it back under the English names
            out = (
                out.removeprefix("\ufeff")
                .replace(
                    "Rodzaj;Data;Zlecenie;Technik;Tryb;Opis prac;Czas rzeczywisty;Rozliczono [h];"
                    "Umowa;Na początku okresu [h];Pozostało [h];Netto [zł]",
                    "record;date;job;technician;mode;description;actual;billed_hours;contract;"
                    "hours_left_before;hours_left_after;net_pln",
                )
                .replace("razem brutto", "total_gross")
                .replace("praca;", "line;")
            )
        rows = list(csv.DictReader(io.StringIO(out), delimiter=delimiter))
        descriptions = [r["description"] for r in rows if r["record"] == "line"]
        assert "'" + HYPERLINK in descriptions
        assert "'" + CALLBACK in descriptions
        for row in rows:
            for key, value in row.items():
                if value and value[0] in "=+-@\t\r":
                    assert key in {"net_pln", "billed_hours", "hours_left_before",
                                   "hours_left_after", "actual_minutes", "actual_seconds"}, (key, value)  # fmt: skip
                    Decimal(value.replace(",", "."))
        comma = delimiter == ";"
        total = next(r for r in rows if r["record"] == "total_gross")["net_pln"]
        assert total == ("2214,00" if comma else "2214.00")
        for row in rows:
            if row["net_pln"]:
                assert not row["net_pln"].startswith("'")
                Decimal(row["net_pln"].replace(",", "."))


def test_markdown_escapes_html_and_syntax(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = statement(hostile, capsys, "--format", "md")
    assert "<script>" not in out and "</script>" not in out
    assert "&lt;script&gt;" in out
    assert "\\*\\*bold\\*\\*" in out and "\\[link\\]" in out and "\\`code\\`" in out
    assert "[b]" not in out  # a client name's brackets are escaped, not markup
    assert "\\[b\\]Ala\\[/b\\]" in out or "\\[@click" in out or "␛" in out
    assert "2 214,00 zł" in out


def test_html_escapes_stored_text(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = statement(hostile, capsys, "--format", "html")
    assert "<script>" not in out
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in out
    assert "=HYPERLINK(&quot;http://x&quot;;&quot;y&quot;)" in out


def test_json_statement_keeps_the_exact_text(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(statement(hostile, capsys, "--format", "json"))
    assert {ln["description"] for ln in data["lines"]} == {HYPERLINK, CALLBACK, SCRIPT}
    assert (
        data["client"]["name"] in CORPUS
        or data["client"]["name"].startswith(BOLD)
        or (data["client"]["name"].split(" #")[0] in CORPUS)
    )


def test_output_file_is_the_same_safe_document(
    hostile: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "s.md"
    statement(hostile, capsys, "--format", "md", "--output", str(target))
    text = target.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert_terminal_safe(text, "md file")


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_itadmin_report_keeps_stored_text_inert(
    hostile: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, out, err = run(
        hostile, capsys, "report", "itadmin", "--client", "3", "--month", "2026-11",
        "--format", fmt,
    )  # fmt: skip
    assert code == 0, err
    assert_terminal_safe(out, f"report itadmin {fmt}")
    if fmt == "html":
        assert "<script" not in out.lower()


@pytest.mark.parametrize("number", ["12\x073\"4'5\\x", "[b]no[/b] digits\x07"])
def test_ring_shows_a_bad_number_as_sanitized_text_not_a_python_repr(
    hostile: Path, capsys: pytest.CaptureFixture[str], number: str
) -> None:
    """The control character shows as its picture; quotes and backslashes as typed."""
    _code, out, err = run(hostile, capsys, "ring", number)
    shown = number.replace("\x07", "␇")
    assert f"'{shown}'" in out + err, out + err
    assert "\\x07" not in out + err and "\\'" not in out + err and '\\"' not in out + err


def test_the_phone_systems_lines_cut_a_name_longer_than_the_cli_stores(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ring`` printed a 10 000-character name whole, on the line the PBX hook reads."""
    with sqlite3.connect(hostile) as conn:
        row = conn.execute(
            "SELECT p.e164 FROM client_phone p JOIN client c ON c.id = p.client_id"
            " WHERE c.name LIKE 'ŁŁŁŁ%' LIMIT 1"
        ).fetchone()
    assert row is not None
    for command in ("ring", "lookup"):
        code, out, err = run(hostile, capsys, command, row[0])
        assert code == 0, err
        assert "ŁŁŁŁ" in out and "…" in out, out[:300]
        assert max(len(line) for line in out.splitlines()) < 300, command


def test_markdown_links_no_bare_address(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GitHub's Markdown turned a bare ``http://…`` in a description into a link."""
    from bbdispatch.text import markdown_text

    assert (
        markdown_text("zob. http://auto.link i www.x.pl") == "zob. http\\://auto.link i www\\.x.pl"
    )
    assert markdown_text("wwwx.pl hhttp:") == "wwwx.pl hhttp:"
