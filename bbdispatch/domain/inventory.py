"""Software inventories: reading the exports technicians bring and what changed.

Three exports are read: PowerShell ``Get-Package | Select Name,Version |
Export-Csv`` (quoted CSV, maybe a ``#TYPE`` line), ``wmic product get
name,version`` (fixed-width text, or ``/format:csv`` with its leading ``Node``
column) and a plain ``name,version`` CSV. Any other layout is refused, naming
its first line. PowerShell 5
and wmic both write UTF-16 with a byte-order mark, so bytes are decoded here.
Pure functions: no files, no database.
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
    """Decode an export: UTF-16 (with BOM, or without one but full of NULs), UTF-8, else cp1250."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if len(data) >= 4 and data[1:4:2] == b"\0\0" and data[0:1] != b"\0":
        return data.decode("utf-16-le")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1250")


def parse_export(data: bytes) -> SoftwareList:
    """Read an export in any of the known formats.

    Raises:
        InventoryError: the file is empty or has no program names in it.
    """
    text = decode_export(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if not lines:
        raise InventoryError(_("The export is empty."))
    first = lines[0].strip()
    if first.startswith("#TYPE") or first.startswith('"'):
        fmt, rows = ExportFormat.POWERSHELL_CSV, _csv_rows(lines, header=True)
    elif first.lower().startswith("name") and "," not in first and ";" not in first:
        fmt, rows = ExportFormat.WMIC, _wmic_rows(lines)
    else:
        fmt, rows = ExportFormat.CSV, _csv_rows(lines, header=_has_name_column(first))
    items = sorted({SoftwareItem(n.strip(), v.strip()) for n, v in rows if n.strip()})
    if not items:
        raise InventoryError(_("No programs found in the export."))
    return SoftwareList(fmt, tuple(items))


def _delimiter(line: str) -> str:
    return ";" if ";" in line and "," not in line else ","


def _has_name_column(line: str) -> bool:
    """A header naming a Name column anywhere (``Node,Name,Version`` of wmic /format:csv)."""
    titles = next(csv.reader([line], delimiter=_delimiter(line)), [])
    return "name" in [t.strip().lower() for t in titles]


def _csv_rows(lines: list[str], *, header: bool) -> list[tuple[str, str]]:
    lines = [ln for ln in lines if not ln.startswith("#")]
    delimiter = _delimiter(lines[0])
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    rows = list(reader)
    if not header and rows and len(rows[0]) != 2:
        # Without a header only "name,version" lines are known; anything else
        # (a PC name column, a stray text file) would be misread as programs.
        raise InventoryError(
            _(
                "Unknown export layout, line 1: {line!r}. Known: PowerShell Export-Csv, "
                "wmic product get name,version (also /format:csv), or name,version lines."
            ).format(line=lines[0][:80])
        )
    name_col, version_col = 0, 1
    if header and rows:
        titles = [t.strip().lower() for t in rows[0]]
        if "name" not in titles:
            raise InventoryError(_("The CSV has no Name column."))
        name_col = titles.index("name")
        version_col = titles.index("version") if "version" in titles else -1
        rows = rows[1:]
    return [
        (r[name_col], r[version_col] if 0 <= version_col < len(r) else "")
        for r in rows
        if len(r) > name_col
    ]


def _wmic_rows(lines: list[str]) -> list[tuple[str, str]]:
    header = lines[0]
    at = header.lower().find("version")
    if at < 0:
        return [(ln, "") for ln in lines[1:]]
    name_first = header.lower().find("name") < at
    rows = []
    for ln in lines[1:]:
        left, right = ln[:at], ln[at:]
        rows.append((left, right) if name_first else (right, left))
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
