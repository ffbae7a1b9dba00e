"""Software inventories: reading the exports technicians bring and what changed.

The exports firms really have are read:

- PowerShell ``Get-Package | Select Name,Version | Export-Csv`` (quoted CSV,
  maybe a ``#TYPE`` line);
- the PowerShell registry export, ``Get-ItemProperty`` of the Uninstall keys
  ``| Select DisplayName,DisplayVersion | Export-Csv`` (entries without a name are
  updates and components, and are left out);
- ``wmic product get name,version`` (fixed-width text, or ``/format:csv`` with
  its leading ``Node`` column);
- a ``name,version`` CSV, with or without a header, also Polish
  (``Nazwa;Wersja``, semicolons), or tab-separated text (PowerShell
  ``Export-Csv -Delimiter "`t"``, Excel's "Text (Tab delimited)" and
  "Unicode Text"): a tab in the first line makes the tab the separator.
  Headers naming the program ``Name``,
  ``DisplayName``, ``Program Name``, ``Nazwa``, ``Nazwa programu``,
  ``Program``, ``Produkt`` or ``Oprogramowanie`` are known; a header-less
  first line whose second field is a word, not a version (``Foo,Bar``), is an
  unknown header and refused.

A ``PSComputerName``, ``ComputerName`` or ``Node`` column (Polish ``Komputer``)
names the computer. Any other layout, and binary files, are refused with a
message. PowerShell 5 and wmic write UTF-16 (with a byte-order mark, or
without), so bytes are decoded here. Pure functions: no files, no database.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from enum import StrEnum

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _


class InventoryError(DomainError):
    """An export that cannot be read; the message says why."""


class ExportFormat(StrEnum):
    """Which tool produced an export."""

    POWERSHELL_CSV = "powershell-csv"
    WMIC = "wmic"
    CSV = "csv"


@dataclass(frozen=True, order=True)
class SoftwareItem:
    """One installed program."""

    name: str
    version: str


@dataclass(frozen=True)
class SoftwareList:
    """A parsed export: its format and the programs in it, sorted, without duplicates."""

    format: ExportFormat
    items: tuple[SoftwareItem, ...]
    host: str = ""
    """The computer the list comes from, as the file names it ("" when it does not)."""


NAME_TITLES = frozenset({
    "name", "displayname", "program name", "nazwa", "nazwa programu", "program", "produkt",
    "oprogramowanie",
})  # fmt: skip
"""Column titles of the program's name (case-insensitive)."""
VERSION_TITLES = frozenset({"version", "displayversion", "wersja"})
"""Column titles of the program's version."""
KNOWN_NAMES = (
    "Name",
    "DisplayName",
    "Program Name",
    "Nazwa",
    "Program",
    "Produkt",
    "Oprogramowanie",
)
"""The program-name titles as the refusal of an unknown header lists them."""
KNOWN_VERSIONS = ("Version", "DisplayVersion", "Wersja")
"""The version titles as the refusal of an unknown header lists them."""
HOST_TITLES = frozenset({
    "pscomputername", "computername", "node", "komputer", "host", "hostname", "nazwa komputera",
})  # fmt: skip
"""Column titles naming the computer a row comes from."""


@dataclass(frozen=True)
class VersionChange:
    """A program present in both inventories with other versions now."""

    name: str
    old_version: str
    new_version: str


@dataclass(frozen=True)
class InventoryDiff:
    """What changed between two inventories of one client."""

    added: tuple[SoftwareItem, ...]
    removed: tuple[SoftwareItem, ...]
    changed: tuple[VersionChange, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        """Nothing was installed, removed or updated."""
        return not (self.added or self.removed or self.changed)


def decode_export(data: bytes) -> str:
    """Decode an export: UTF-16 (with BOM, or without one but full of NULs), UTF-8, else cp1250.

    Raises:
        InventoryError: bytes that are no text in any of these (a binary file).
    """
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        if data.startswith(codecs.BOM_UTF8):
            return data[3:].decode("utf-8")
        if len(data) >= 4 and data[1:4:2] == b"\0\0" and data[0:1] != b"\0":
            return data.decode("utf-16-le")
        if len(data) >= 4 and data[0:3:2] == b"\0\0" and data[1:2] != b"\0":
            return data.decode("utf-16-be")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1250")
    except UnicodeDecodeError as err:
        raise InventoryError(NOT_TEXT()) from err


def NOT_TEXT() -> str:  # noqa: N802 - a message, named like a constant
    """The message for a file that is not a text export."""
    return _(
        "This file is not a software list (it is not text: an Excel workbook, a picture?)."
        " Save the list as CSV or text."
    )


def _looks_binary(text: str) -> bool:
    """NULs or many control characters: a binary file that happened to decode."""
    if "\0" in text:
        return True
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n")
    return controls > max(2, len(text) // 100)


def parse_export(data: bytes) -> SoftwareList:
    """Read an export in any of the known formats.

    Raises:
        InventoryError: the file is empty, binary, of an unknown layout, lists
            several computers, or has no program names in it.
    """
    text = decode_export(data)
    if _looks_binary(text):
        raise InventoryError(NOT_TEXT())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Numbered as the file numbers them: an error names the line an editor shows,
    # whatever blank lines come before it.
    numbered = [(no, ln) for no, ln in enumerate(text.split("\n"), start=1) if ln.strip()]
    lines = [ln for _no, ln in numbered]
    if not lines:
        raise InventoryError(_("The export is empty."))
    first = lines[0].strip()
    if first.startswith("#TYPE") or first.startswith('"'):
        fmt, rows = ExportFormat.POWERSHELL_CSV, _csv_rows(numbered, header=True)
    elif first.lower().startswith("name") and not any(c in first for c in ",;\t"):
        fmt, rows = ExportFormat.WMIC, _wmic_rows(lines)
    else:
        fmt, rows = ExportFormat.CSV, _csv_rows(numbered, header=_has_name_column(first))
    _refuse_tabs_in_cells(rows, numbered)
    items = sorted({SoftwareItem(n.strip(), v.strip()) for n, v, _h in rows if n.strip()})
    if not items:
        raise InventoryError(_("No programs found in the export."))
    hosts = sorted({h.strip() for _n, _v, h in rows if h.strip()})
    if len(hosts) > 1:
        raise InventoryError(
            _("The export lists several computers ({names}): load one file per computer.").format(
                names=", ".join(hosts[:3]) + (", …" if len(hosts) > 3 else "")
            )
        )
    return SoftwareList(fmt, tuple(items), hosts[0] if hosts else "")


def _refuse_tabs_in_cells(
    rows: list[tuple[str, str, str]], numbered: list[tuple[int, str]]
) -> None:
    """Refuse a cell holding a tab: two columns read as one, whichever reader cut the rows.

    A tab-separated file is read by its tabs (:func:`_delimiter`), so a tab left
    inside a name, version or computer means the layout was misread (a comma
    header over tab-separated lines): the list is refused naming the first line
    with a tab, never stored with a tab-joined name.

    Raises:
        InventoryError: some cell holds a tab.
    """
    if not any("\t" in cell for row in rows for cell in row):
        return
    no, line = next((no, ln) for no, ln in numbered if "\t" in ln)
    raise _unknown_layout(no, line)


def _unknown_layout(no: int, line: str) -> InventoryError:
    """The refusal of a layout we do not read, naming line ``no`` (its first 80 characters)."""
    return InventoryError(
        _(
            "Unknown export layout, line {no}: '{line}'. Known: PowerShell Export-Csv, "
            "wmic product get name,version (also /format:csv), or name,version lines."
        ).format(no=no, line=line[:80])
    )


def _delimiter(line: str) -> str:
    r"""The separator of a CSV whose first line is ``line``: tab, then ``;`` alone, else ``,``.

    A tab is never part of a header or of a program's name, so a first line
    with one is tab-separated (``Name\tVersion``, ``"Name"\t"Version"``) even
    when a title holds a comma.
    """
    if "\t" in line:
        return "\t"
    return ";" if ";" in line and "," not in line else ","


def _titles(row: list[str]) -> list[str]:
    return [t.strip().strip("\ufeff").lower() for t in row]


def _has_name_column(line: str) -> bool:
    """A header naming a Name column anywhere (``Node,Name,Version``, ``Nazwa;Wersja``)."""
    titles = next(csv.reader([line], delimiter=_delimiter(line)), [])
    return bool(NAME_TITLES & set(_titles(titles)))


def _unknown_title(version: str) -> bool:
    """Whether the second field of a header-less first line is a word, not a version.

    A version has a digit (``24.09``, ``2.4.58``) or is empty; ``Wersja``,
    ``Version`` of an unknown header (or ``Bar``) has none, so the line is a
    header we do not know and is refused rather than loaded as a program.
    """
    text = version.strip()
    return bool(text) and not any(c.isdigit() for c in text)


def _column(titles: list[str], names: frozenset[str]) -> int:
    return next((i for i, t in enumerate(titles) if t in names), -1)


def _csv_rows(numbered: list[tuple[int, str]], *, header: bool) -> list[tuple[str, str, str]]:
    """(name, version, computer) of each row; the computer is "" without such a column.

    ``numbered`` holds the file's non-blank lines with their own (1-based) numbers,
    which the refusals name.
    """
    numbered = [(no, ln) for no, ln in numbered if not ln.startswith("#")]
    if not numbered:
        raise InventoryError(_("The export is empty."))
    first_no = numbered[0][0]
    lines = [ln for _no, ln in numbered]
    delimiter = _delimiter(lines[0])
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    rows = list(reader)
    if not header and rows and len(rows[0]) == 2 and _unknown_title(rows[0][1]):
        # "Foo,Bar" over "1,2": a header we do not know, never a program "Foo".
        raise InventoryError(
            _(
                "Unknown header, line {no}: '{line}'. Known: a header naming the program"
                " ({names}) and its version ({versions}), PowerShell Export-Csv, wmic"
                " product get name,version (also /format:csv), or name,version lines"
                " without a header."
            ).format(
                no=first_no,
                line=lines[0][:80],
                names=", ".join(KNOWN_NAMES),
                versions=", ".join(KNOWN_VERSIONS),
            )  # fmt: skip
        )
    if not header and rows and len(rows[0]) != 2:
        # Without a header only "name,version" lines are known; anything else
        # (a PC name column, a stray text file) would be misread as programs.
        raise _unknown_layout(first_no, lines[0])
    name_col, version_col, host_col = 0, 1, -1
    if header and rows:
        titles = _titles(rows[0])
        name_col = _column(titles, NAME_TITLES)
        if name_col < 0:
            raise InventoryError(
                _(
                    "The CSV has no column naming the program ({names}); its header is '{line}'."
                ).format(names=", ".join(KNOWN_NAMES), line=lines[0][:80])
            )
        version_col = _column(titles, VERSION_TITLES)
        host_col = _column(titles, HOST_TITLES)
        rows = rows[1:]

    def cell(row: list[str], col: int) -> str:
        return row[col] if 0 <= col < len(row) else ""

    return [
        (r[name_col], cell(r, version_col), cell(r, host_col)) for r in rows if len(r) > name_col
    ]


def _wmic_rows(lines: list[str]) -> list[tuple[str, str, str]]:
    header = lines[0]
    at = header.lower().find("version")
    if at < 0:
        return [(ln, "", "") for ln in lines[1:]]
    name_first = header.lower().find("name") < at
    rows = []
    for ln in lines[1:]:
        left, right = ln[:at], ln[at:]
        rows.append((left, right, "") if name_first else (right, left, ""))
    return rows


def diff_inventories(old: SoftwareList | None, new: SoftwareList) -> InventoryDiff:
    """Compare by program name (case-insensitive); version sets of a name are compared whole."""
    before = _by_name(old.items if old else ())
    after = _by_name(new.items)
    added = [i for k in sorted(after.keys() - before.keys()) for i in after[k]]
    removed = [i for k in sorted(before.keys() - after.keys()) for i in before[k]]
    changed, same = [], 0
    for key in sorted(before.keys() & after.keys()):
        old_versions = sorted(i.version for i in before[key])
        new_versions = sorted(i.version for i in after[key])
        if old_versions == new_versions:
            same += 1
        else:
            changed.append(
                VersionChange(after[key][0].name, ", ".join(old_versions), ", ".join(new_versions))
            )
    return InventoryDiff(tuple(added), tuple(removed), tuple(changed), same)


def _by_name(items: tuple[SoftwareItem, ...]) -> dict[str, list[SoftwareItem]]:
    grouped: dict[str, list[SoftwareItem]] = {}
    for item in items:
        grouped.setdefault(item.name.casefold(), []).append(item)
    return grouped
