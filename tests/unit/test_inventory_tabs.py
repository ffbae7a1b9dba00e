"""Issue 13 (C): tab-separated software lists are read by their tabs, never stored tab-joined."""

from __future__ import annotations

import codecs
import json
import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.domain.inventory import InventoryError, SoftwareItem, parse_export

TAB_EXPORTS = {
    # printf 'Name\tVersion\nfoo\t1\n': the tester's file, read as wmic's table.
    "plain": b"Name\tVersion\nfoo\t1\n",
    # PowerShell: Get-Package | Select Name,Version | Export-Csv -Delimiter "`t".
    "powershell": (
        b"#TYPE Selected.Microsoft.PackageManagement.Packaging.SoftwareIdentity\r\n"
        b'"Name"\t"Version"\r\n"foo"\t"1"\r\n'
    ),
    # Excel "Unicode Text": UTF-16 LE with a BOM, tabs, CRLF.
    "excel-unicode": codecs.BOM_UTF16_LE
    + "Nazwa programu\tWersja\r\nfoo\t1\r\n".encode("utf-16-le"),
    # Excel "Text (Tab delimited)": the ANSI code page, no header.
    "header-less": "foo\t1\r\n".encode("cp1250"),
}


@pytest.mark.parametrize("kind", sorted(TAB_EXPORTS))
def test_tab_separated_exports_are_read_by_their_tabs(kind: str) -> None:
    assert parse_export(TAB_EXPORTS[kind]).items == (SoftwareItem("foo", "1"),)


def test_a_comma_in_a_tab_separated_name_stays_in_the_name() -> None:
    found = parse_export(b"Name\tVersion\tPSComputerName\nFoo, Inc. Tool\t2.1\tPC1\n")
    assert (found.items, found.host) == ((SoftwareItem("Foo, Inc. Tool", "2.1"),), "PC1")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"Name,Version\n7-Zip,23.01\nfoo\t1,2\n", "line 3: 'foo\t1,2'"),
        (b"Name    Version\nfoo\t1\n", "line 2: 'foo\t1'"),
    ],
)
def test_a_tab_left_inside_a_cell_refuses_the_layout_naming_the_line(
    data: bytes, line: str
) -> None:
    with pytest.raises(InventoryError) as caught:
        parse_export(data)
    assert f"Unknown export layout, {line}" in str(caught.value)


def test_cli_stores_the_tab_separated_list_as_name_and_version(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(demo_db_path)]
    with sqlite3.connect(demo_db_path) as conn:
        (run,) = conn.execute(
            "SELECT id FROM job WHERE recurring_task_id = 2 ORDER BY occurrence_at DESC LIMIT 1"
        ).fetchone()
    export = demo_db_path.parent / "f.txt"
    export.write_bytes(TAB_EXPORTS["plain"])
    assert main([*db, "inventory", "load", "--job", str(run), "--host", "Y", str(export)]) == 0
    capsys.readouterr()
    assert main([*db, "inventory", "show", "--client", "3", "--host", "Y", "--json"]) == 0
    (shown,) = json.loads(capsys.readouterr().out)
    assert [(p["name"], p["version"]) for p in shown["programs"]] == [("foo", "1")]
    # A mixed file is refused with its line and leaves the computer's list as it was.
    export.write_bytes(b"Name,Version\nbar\t2,3\n")
    assert main([*db, "inventory", "load", "--job", str(run), "--host", "Y", str(export)]) == 1
    assert "Unknown export layout, line 2" in capsys.readouterr().err
    assert main([*db, "inventory", "show", "--client", "3", "--host", "Y", "--json"]) == 0
    (shown,) = json.loads(capsys.readouterr().out)
    assert [(p["name"], p["version"]) for p in shown["programs"]] == [("foo", "1")]
