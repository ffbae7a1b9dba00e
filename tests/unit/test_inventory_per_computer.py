"""Issue 20, item 3: inventories per computer, the exports firms have, the right job only."""

from __future__ import annotations

import codecs
import json
import sqlite3
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.domain.inventory import ExportFormat, InventoryError, SoftwareItem, parse_export

DATA = Path(__file__).parent.parent / "data"

REGISTRY = (
    "#TYPE Selected.System.Management.Automation.PSCustomObject\r\n"
    '"DisplayName","DisplayVersion","PSComputerName"\r\n'
    '"7-Zip 23.01 (x64)","23.01","GABINET-2"\r\n'
    '"","","GABINET-2"\r\n'  # an update without a name: not a program
    '"Płatnik","10.02.002","GABINET-2"\r\n'
    '"Microsoft Edge","119.0.2151.58","GABINET-2"\r\n'
)
"""``Get-ItemProperty …\\Uninstall\\* | Select DisplayName,DisplayVersion,PSComputerName | Export-Csv``."""


def registry_export() -> bytes:
    return codecs.BOM_UTF16_LE + REGISTRY.encode("utf-16-le")


def test_the_powershell_registry_export_in_utf16_with_bom() -> None:
    parsed = parse_export(registry_export())
    assert parsed.format is ExportFormat.POWERSHELL_CSV
    assert parsed.host == "GABINET-2"
    assert parsed.items == (
        SoftwareItem("7-Zip 23.01 (x64)", "23.01"), SoftwareItem("Microsoft Edge", "119.0.2151.58"),
        SoftwareItem("Płatnik", "10.02.002"),
    )  # fmt: skip
    plain = parse_export('"DisplayName","DisplayVersion"\r\n"Płatnik","10.02.002"\r\n'.encode(
        "utf-16-le"))  # fmt: skip  # no BOM
    assert (plain.items, plain.host) == ((SoftwareItem("Płatnik", "10.02.002"),), "")


def test_polish_headers() -> None:
    parsed = parse_export("Nazwa;Wersja\r\nPłatnik;10.02.002\r\nKS-SOMED;2023.2.0\r\n".encode(
        "cp1250"))  # fmt: skip
    assert [i.name for i in parsed.items] == ["KS-SOMED", "Płatnik"]
    assert "Nazwa" not in [i.name for i in parsed.items]
    with_pc = parse_export(b"Komputer;Nazwa;Wersja\nBIURO-PC1;Notepad++;8.5.8\n")
    assert (with_pc.host, with_pc.items) == ("BIURO-PC1", (SoftwareItem("Notepad++", "8.5.8"),))


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U0#\xf4\x00\x00\x00L\x02",  # xlsx
        bytes(range(256)) * 4,
    ],
)
def test_binary_files_are_refused_with_a_message(data: bytes) -> None:
    with pytest.raises(InventoryError, match="not a software list"):
        parse_export(data)


def test_several_computers_in_one_file_are_refused() -> None:
    with pytest.raises(InventoryError, match="several computers .PC1, PC2.: load one file"):
        parse_export(b"Node,Name,Version\nPC1,7-Zip,23.01\nPC2,7-Zip,23.01\n")


def test_cli_per_computer(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(demo_db_path)]
    with sqlite3.connect(demo_db_path) as conn:
        (run,) = conn.execute(
            "SELECT id FROM job WHERE recurring_task_id = 2 ORDER BY occurrence_at DESC LIMIT 1"
        ).fetchone()
        (backup_run,) = conn.execute(
            "SELECT id FROM job WHERE recurring_task_id = 1 ORDER BY occurrence_at DESC LIMIT 1"
        ).fetchone()
    # The demo's two inventories of the reception PC already differ.
    assert main([*db, "inventory", "diff", "--client", "3", "--json"]) == 0
    (demo,) = json.loads(capsys.readouterr().out)
    assert demo["host"] == "REJESTRACJA-PC"
    assert [a["name"] for a in demo["added"]] == ["AnyDesk"]
    sample = str(DATA / "inventory-2026-10-powershell.csv")
    # Only the client's inventory run takes a list: not another client's job, not a backup check.
    for job in (1, backup_run):
        assert main([*db, "inventory", "load", "--job", str(job), "--host", "PC1", sample]) == 1
        assert "is not an inventory run" in capsys.readouterr().err
    # The file names no computer: --host says which.
    assert main([*db, "inventory", "load", "--job", str(run), sample]) == 1
    assert "Say which computer the list comes from (--host NAME)" in capsys.readouterr().err
    assert main([*db, "inventory", "load", "--job", str(run), "--host", "biuro-pc1", sample]) == 0
    out = capsys.readouterr().out
    assert "BIURO-PC1: inventory" in out
    assert "no earlier inventory" in out  # not compared with the reception PC
    wmic = str(DATA / "inventory-2026-11-wmic.txt")
    assert main([*db, "inventory", "load", "--job", str(run), "--host", "BIURO-PC1", wmic]) == 0
    text = capsys.readouterr().out
    assert "+ AnyDesk 8.0.5" in text
    assert "1 added, 1 removed, 2 changed, 5 unchanged" in text
    registry = demo_db_path.parent / "GABINET-2.csv"
    registry.write_bytes(registry_export())
    assert main([*db, "inventory", "load", "--job", str(run), "--host", "PC9", str(registry)]) == 1
    assert "comes from GABINET-2, not PC9" in capsys.readouterr().err
    assert main([*db, "inventory", "load", "--job", str(run), str(registry)]) == 0
    assert "GABINET-2: inventory" in capsys.readouterr().out
    binary = demo_db_path.parent / "lista.xlsx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U0#\xf4\x00\x00")
    assert main([*db, "inventory", "load", "--job", str(run), "--host", "X", str(binary)]) == 1
    err = capsys.readouterr().err
    assert "not a software list" in err
    assert "Traceback" not in err
    # Diffs per computer; one computer with --host.
    assert main([*db, "inventory", "diff", "--client", "3", "--json"]) == 0
    hosts = [r["host"] for r in json.loads(capsys.readouterr().out)]
    assert hosts == ["BIURO-PC1", "GABINET-2", "REJESTRACJA-PC"]
    assert main([*db, "inventory", "diff", "--client", "3", "--host", "biuro-pc1", "--json"]) == 0
    (biuro,) = json.loads(capsys.readouterr().out)
    assert biuro["changed"][0] == {
        "name": "Adobe Acrobat Reader", "old_version": "23.006.20320",
        "new_version": "24.001.20604",
    }  # fmt: skip
    # The full inventory: text, JSON, CSV.
    assert main([*db, "inventory", "show", "--client", "3", "--host", "GABINET-2"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0].startswith("GABINET-2: inventory")
    assert shown[1:] == ["  7-Zip 23.01 (x64)  23.01", "  Microsoft Edge  119.0.2151.58",
                         "  Płatnik  10.02.002"]  # fmt: skip
    assert main([*db, "inventory", "show", "--client", "3", "--json"]) == 0
    full = json.loads(capsys.readouterr().out)
    assert [(c["host"], len(c["programs"])) for c in full] == [
        ("BIURO-PC1", 8), ("GABINET-2", 3), ("REJESTRACJA-PC", 7),
    ]  # fmt: skip
    assert main([*db, "inventory", "show", "--client", "3", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "host,name,version,loaded_at"
    assert len(lines) == 1 + 8 + 3 + 7
    assert any(ln.startswith("GABINET-2,Płatnik,10.02.002,20") for ln in lines)
    # loaded_at in the firm's zone with its offset, as the report says it (02.11 11:00).
    assert all(ln.endswith("+01:00") for ln in lines[1:])
    assert any(ln.startswith("REJESTRACJA-PC,") for ln in lines)
    assert all(
        ln.endswith(",2026-11-02T11:00:00+01:00") for ln in lines if ln.startswith("REJESTRACJA")
    )
    assert full[2]["loaded_at"] == "2026-11-02T11:00:00+01:00"
    assert main([*db, "inventory", "show", "--client", "3", "--host", "NOPE"]) == 1
    assert "No software inventory of computer NOPE" in capsys.readouterr().err
    assert main([*db, "inventory", "diff", "--client", "2"]) == 1
    assert "No software inventory" in capsys.readouterr().err


def test_the_runs_technician_loads_a_list_and_sees_what_changed(
    demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bbdispatch.commands import common

    with sqlite3.connect(demo_db_path) as conn:
        (run,) = conn.execute(
            "SELECT id FROM job WHERE recurring_task_id = 2 ORDER BY occurrence_at DESC LIMIT 1"
        ).fetchone()
    sample = str(DATA / "inventory-2026-11-wmic.txt")
    args = ["--db", str(demo_db_path), "inventory", "load", "--job", str(run)]
    monkeypatch.setattr(common, "os_fallback", lambda: None)
    monkeypatch.setattr(common, "os_login", lambda: "anna")  # not her run
    assert main([*args, "--host", "REJESTRACJA-PC", sample]) == 1
    # Another's job reads as a missing one: a technician learns nothing of ids (issue 12).
    assert f"No job {run} on your list." in capsys.readouterr().err
    monkeypatch.setattr(common, "os_login", lambda: "kasia")  # the inventory task's technician
    assert main([*args, "--host", "REJESTRACJA-PC", sample]) == 0
    out = capsys.readouterr().out
    assert "compared with inventory 2" in out
    assert "+ Microsoft Visual C++ 2015-2022 Redistributable (x64) 14.36.32532" in out
    with sqlite3.connect(demo_db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM software_inventory").fetchone() == (3,)


@pytest.mark.parametrize(
    ("programs", "english", "polish"),
    [(1, "1 program", "1 program"), (3, "3 programs", "3 programy"),
     (5, "5 programs", "5 programów")],
)  # fmt: skip
def test_program_counts_are_plural_forms(
    demo_db_path: Path,
    capsys: pytest.CaptureFixture[str],
    programs: int,
    english: str,
    polish: str,
) -> None:
    """``inventory load``/``show`` said "1 programs" (and "programy: 5" in Polish)."""
    db = ["--db", str(demo_db_path)]
    with sqlite3.connect(demo_db_path) as conn:
        (run,) = conn.execute(
            "SELECT id FROM job WHERE recurring_task_id = 2 ORDER BY occurrence_at DESC LIMIT 1"
        ).fetchone()
    export = demo_db_path.parent / "one.csv"
    export.write_text(
        "Name,Version\n" + "".join(f"Program {i},1.{i}\n" for i in range(programs)),
        encoding="utf-8",
    )
    assert main([*db, "inventory", "load", "--job", str(run), "--host", "PC7", str(export)]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(f": {english}")
    assert main([*db, "inventory", "show", "--client", "3", "--host", "PC7"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith(f", {english}")
    assert main([*db, "--lang", "pl", "inventory", "show", "--client", "3", "--host", "PC7"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(f", {polish}")


@pytest.mark.parametrize(
    ("text", "line"),
    [("\n\nHello there\nGeneral Kenobi\n", 3), ("\r\n  \r\n#note\r\nFoo,Bar\r\n1,2\r\n", 4)],
)
def test_cli_names_the_files_own_line_after_leading_blank_lines(
    demo_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int
) -> None:
    # Issue 13: lines were counted from the first non-blank one, so an error after a
    # leading blank line named line 1 where an editor shows line 3.
    with sqlite3.connect(demo_db_path) as conn:
        (run,) = conn.execute(
            "SELECT id FROM job WHERE recurring_task_id = 2 ORDER BY occurrence_at DESC LIMIT 1"
        ).fetchone()
    export = tmp_path / "export.csv"
    export.write_bytes(text.encode())
    args = ["--db", str(demo_db_path), "inventory", "load", "--job", str(run), "--host", "PC1"]
    assert main([*args, str(export)]) == 1
    assert f", line {line}: '" in capsys.readouterr().err
