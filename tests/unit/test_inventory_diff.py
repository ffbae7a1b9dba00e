from __future__ import annotations

from pathlib import Path

import pytest

from bbdispatch.domain.inventory import (
    ExportFormat,
    InventoryError,
    SoftwareItem,
    VersionChange,
    diff_inventories,
    parse_export,
)

DATA = Path(__file__).parent.parent / "data"


def test_powershell_utf16_export() -> None:
    raw = (DATA / "inventory-2026-10-powershell.csv").read_bytes()
    assert raw.startswith(b"\xff\xfe")
    parsed = parse_export(raw)
    assert parsed.format is ExportFormat.POWERSHELL_CSV
    assert len(parsed.items) == 8
    assert SoftwareItem("Płatnik", "10.02.002") in parsed.items


def test_wmic_utf16_fixed_width_export() -> None:
    parsed = parse_export((DATA / "inventory-2026-11-wmic.txt").read_bytes())
    assert parsed.format is ExportFormat.WMIC
    assert (
        SoftwareItem("Microsoft Visual C++ 2015-2022 Redistributable (x64)", "14.36.32532")
        in parsed.items
    )
    assert len(parsed.items) == 8


def test_simple_csv() -> None:
    parsed = parse_export((DATA / "inventory-simple.csv").read_bytes())
    assert parsed.format is ExportFormat.CSV
    assert [i.name for i in parsed.items] == ["7-Zip 23.01 (x64)", "Google Chrome", "Notepad++"]
    headless = parse_export("Notepad++,8.5.8\r\nVLC media player;3.0\n".encode("cp1250"))
    assert SoftwareItem("Notepad++", "8.5.8") in headless.items


def test_diff_of_the_two_sample_exports() -> None:
    old = parse_export((DATA / "inventory-2026-10-powershell.csv").read_bytes())
    new = parse_export((DATA / "inventory-2026-11-wmic.txt").read_bytes())
    diff = diff_inventories(old, new)
    assert diff.added == (SoftwareItem("AnyDesk", "8.0.5"),)
    assert diff.removed == (SoftwareItem("TeamViewer", "15.47.3"),)
    assert diff.changed == (
        VersionChange("Adobe Acrobat Reader", "23.006.20320", "24.001.20604"),
        VersionChange("Google Chrome", "118.0.5993.118", "119.0.6045.106"),
    )
    assert diff.unchanged == 5


def test_empty_or_nameless_exports_are_refused() -> None:
    with pytest.raises(InventoryError, match="empty"):
        parse_export(b"\xff\xfe")
    with pytest.raises(InventoryError, match="no column naming the program"):
        parse_export(b'"Aplikacja","Wersja"\n"a","1"\n')


def test_wmic_format_csv_reads_names_not_the_node_column() -> None:
    """``wmic product get name,version /format:csv`` was misread as program names."""
    export = "\r\n\r\nNode,Name,Version\r\nBIURO-PC1,7-Zip 23.01 (x64),23.01.00.0\r\n"
    export += "BIURO-PC1,Google Chrome,119.0.6045.106\r\n"
    parsed = parse_export(b"\xff\xfe" + export.encode("utf-16-le"))
    assert [(i.name, i.version) for i in parsed.items] == [
        ("7-Zip 23.01 (x64)", "23.01.00.0"), ("Google Chrome", "119.0.6045.106"),
    ]  # fmt: skip


def test_an_unknown_layout_is_refused_naming_the_line() -> None:
    with pytest.raises(InventoryError, match="Unknown export layout, line 1: 'Hello there'"):
        parse_export(b"Hello there\nGeneral Kenobi\n")
    with pytest.raises(InventoryError, match="Unknown export layout"):
        parse_export(b"PC1,7-Zip,23.01,x64\n")
