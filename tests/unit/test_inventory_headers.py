"""Only known export layouts load: an unknown header is refused, never read as a program."""

from __future__ import annotations

import pytest

from bbdispatch.domain.inventory import InventoryError, SoftwareItem, parse_export


@pytest.mark.parametrize(
    "header",
    ["Program;Wersja", "Produkt;Wersja", "Oprogramowanie;Wersja", "Nazwa;Wersja",
     "Program Name,Version", "DisplayName,DisplayVersion", "Name,Version"],
)  # fmt: skip
def test_known_headers_name_the_columns(header: str) -> None:
    # Issue 20 (finding 4): these headers became a program "Program" version "Wersja".
    sep = ";" if ";" in header else ","
    found = parse_export(f"{header}\nMozilla Firefox{sep}120.0\n".encode())
    assert found.items == (SoftwareItem("Mozilla Firefox", "120.0"),)


@pytest.mark.parametrize("header", ["Foo,Bar", "Aplikacja;Wydanie", "Soft,Ver"])
def test_an_unknown_header_is_refused_naming_the_line_and_the_layouts(header: str) -> None:
    # Foo,Bar over 1,2 on PC3 showed "+ Foo Bar", "+ 1 2" and removed every real program.
    with pytest.raises(InventoryError) as caught:
        parse_export(f"{header}\n1{header[3]}2\n".encode())
    message = str(caught.value)
    assert f"line 1: '{header}'" in message
    assert "DisplayName" in message and "Wersja" in message


def test_header_less_name_version_lines_still_load() -> None:
    found = parse_export(b"Mozilla Firefox,120.0\n7-Zip,\n")
    assert found.items == (SoftwareItem("7-Zip", ""), SoftwareItem("Mozilla Firefox", "120.0"))
