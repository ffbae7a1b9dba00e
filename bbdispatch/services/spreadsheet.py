"""Reading the CSV files a firm's spreadsheets really write, for every import.

Excel and LibreOffice in Poland save CSV as UTF-8 (with or without a BOM) or
as Windows-1250, separated by ``;`` (the Polish list separator) or ``,``, with
Polish or English column headers. This module turns such a file into rows of
canonical column names with their line numbers, and collects every problem
(line, column, message) so a ``--check`` run can list them all at once.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in a file.

    Attributes:
        line: 1-based line of the file (1 is the header).
        column: the canonical column name, or "" for the whole row.
        message: what is wrong, for the person who fixes the spreadsheet.
    """

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Line {n}, column {col}: {msg}").format(
                n=self.line, col=self.column, msg=self.message
            )
        return _("Line {n}: {msg}").format(n=self.line, msg=self.message)


class ImportFileError(DomainError):
    """The file cannot be imported; ``problems`` lists every bad row by line and column."""

    def __init__(self, problems: Iterable[RowProblem] | str) -> None:
        if isinstance(problems, str):
            problems = [RowProblem(0, "", problems)]
        self.problems: tuple[RowProblem, ...] = tuple(problems)
        super().__init__("\n".join(p.message if p.line == 0 else str(p) for p in self.problems))


@dataclass(frozen=True)
class SheetRow:
    """One data row: its line number and its values by canonical column name."""

    line: int
    values: Mapping[str, str]

    def get(self, column: str) -> str:
        """The stripped value of a column ("" when the file has no such column)."""
        return (self.values.get(column) or "").strip()


@dataclass
class Sheet:
    """A decoded, header-mapped file."""

    columns: tuple[str, ...]
    """Canonical names of the file's columns, in file order."""
    rows: list[SheetRow] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Text of a file saved as UTF-8 (± BOM) or Windows-1250.

    UTF-8 is tried first: Windows-1250 text with Polish letters is almost never
    valid UTF-8, while UTF-8 text read as Windows-1250 would silently garble.

    Raises:
        ImportFileError: neither encoding fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1250")
    except UnicodeDecodeError as err:
        raise ImportFileError(
            _("The file is neither UTF-8 nor Windows-1250 text (byte {pos}).").format(pos=err.start)
        ) from err


def fold(text: str) -> str:
    """A header or keyword folded for matching: lower case, no accents, single spaces."""
    text = text.replace("ł", "l").replace("Ł", "L")
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.lower().replace("_", " ").replace("-", " ").split())


def read_sheet(text: str, aliases: Mapping[str, str], required: Iterable[str]) -> Sheet:
    """Split a CSV text into rows keyed by canonical column names.

    Args:
        text: the decoded file.
        aliases: folded header text → canonical column (English and Polish names).
        required: canonical columns that must be present.

    Raises:
        ImportFileError: the file is empty, or its header has unknown, repeated
            or missing columns, or a row cannot be split (an unclosed quote).
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportFileError(_("The file is empty."))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as err:
        raise ImportFileError([RowProblem(1, "", str(err))]) from err
    problems: list[RowProblem] = []
    columns: list[str] = []
    for raw in header:
        name = aliases.get(fold(raw))
        if name is None:
            known = sorted(set(aliases.values()))
            problems.append(
                RowProblem(
                    1,
                    raw.strip(),
                    _("unknown column; expected {known}").format(known=", ".join(known)),
                )
            )
            name = f"?{raw}"
        elif name in columns:
            problems.append(RowProblem(1, name, _("the column appears twice")))
        columns.append(name)
    for need in required:
        if need not in columns:
            problems.append(RowProblem(1, need, _("the column is missing")))
    if problems:
        raise ImportFileError(problems)
    sheet = Sheet(tuple(columns))
    while True:
        starts = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as err:  # an unclosed quote, a field past the size limit
            problems.append(RowProblem(starts, "", str(err)))
            break
        line = reader.line_num
        if not any(v.strip() for v in record):
            continue
        if len(record) > len(columns):
            problems.append(RowProblem(line, "", _("more fields than columns")))
            continue
        sheet.rows.append(SheetRow(line, dict(zip(columns, record, strict=False))))
    if problems:
        raise ImportFileError(problems)
    return sheet


def alias_map(names: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Folded header → canonical column, from each column's accepted names (itself included)."""
    out: dict[str, str] = {}
    for canonical, others in names.items():
        for name in (canonical, *others):
            out[fold(name)] = canonical
    return out


def parse_yes_no(text: str, *, default: bool) -> bool | None:
    """``yes``/``tak``/``1``/``true`` → True, ``no``/``nie``/``0``/``false`` → False, else None."""
    folded = fold(text)
    if not folded:
        return default
    if folded in {"yes", "y", "tak", "t", "1", "true", "x"}:
        return True
    if folded in {"no", "n", "nie", "0", "false", "-"}:
        return False
    return None
