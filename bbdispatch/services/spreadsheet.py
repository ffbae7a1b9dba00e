"""Reading the CSV files a firm's spreadsheets really write, for every import.

Excel and LibreOffice in Poland save CSV as UTF-8 (with or without a BOM) or
as Windows-1250, separated by ``;`` (the Polish list separator) or ``,``, with
Polish or English column headers. This module turns such a file into rows of
canonical column names with their line numbers, and collects every problem
(line, column, message) so a ``--check`` run can list them all at once.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypeVar

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _

T = TypeVar("T")


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


MAX_ROWS = 500_000
"""The most data rows one file may have. The file is read a line at a time (never
whole); a client import keeps no checked row in memory (they wait in the database,
invisible, until the whole file is known good), only the keys that find a row
repeated further down (about 150 bytes a row). People and contract files, which
are checked against their own earlier rows, keep theirs (about 1 KB a row). A
firm's real lists are thousands of rows; a larger file is split."""

READ_CHUNK = 1024 * 1024
"""Bytes read at a time while telling a file's encoding."""

MAX_FIELD_CHARS = 10_000
"""The longest cell accepted; a longer one is nearly always a quote that was never closed."""

_CP1250_ODD = frozenset("±¶Ľľˇ¦¬")
"""Characters Windows-1250 gives for ISO-8859-2's ą ś ź Ą Ś Ź: unlikely in a Polish file."""
_ISO_ODD = frozenset("šŠťŤľĽ") | frozenset(chr(c) for c in range(0x80, 0xA0))
"""What ISO-8859-2 gives for Windows-1250's ą ś ź Ą Ś Ź: control codes and Slovak letters."""

_UTF8_POLISH = re.compile(b"|".join(re.escape(ch.encode("utf-8")) for ch in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"))
"""A Polish letter as UTF-8 writes it (two bytes, ``ą`` is ``C4 85``). Read as Windows-1250
these are ``Ä…``-like pairs no Polish text holds, so in a file that is not UTF-8 they show
a part saved as UTF-8: the file mixes two encodings and would import garbled."""
_UTF8_LEADS = b"\xc3\xc4\xc5"
"""The first bytes of :data:`_UTF8_POLISH`: a piece ending in one may split a letter."""


def _save_as_utf8() -> str:
    return _(
        "In Excel: File, Save as, 'CSV UTF-8 (comma delimited)'; "
        "in LibreOffice: Save as, Text CSV, character set Unicode (UTF-8)."
    )


def decode(data: bytes) -> str:
    """Text of a file saved as UTF-8 (± BOM), UTF-16 with a BOM, Windows-1250 or ISO-8859-2.

    The bytes at once; :func:`open_import` reads a file the same way a piece
    at a time. See :func:`encoding_of` for how the encoding is told.

    Raises:
        ImportFileError: the text's encoding cannot be told.
    """
    return data.decode(encoding_of([data]))


def encoding_of(chunks: Iterable[bytes]) -> str:
    """The codec a file's bytes (given in pieces, in order) are written in.

    UTF-16 with a BOM, UTF-8 with a BOM (``utf-8-sig``), UTF-8, else Windows-1250
    or ISO-8859-2. UTF-8 is tried first: Windows-1250 text with Polish letters
    is almost never valid UTF-8, while UTF-8 text read as Windows-1250 would
    silently garble. Windows-1250 and ISO-8859-2 differ in ą ś ź Ą Ś Ź: each
    reading's odd characters decide, and a file where both readings look wrong
    is refused rather than guessed. A file that is not UTF-8 but holds Polish
    letters written the UTF-8 way (partly saved as UTF-8, partly not) is
    refused too, naming the first line where they are: any reading of it
    would garble one part. Only one piece is held at a time.

    Raises:
        ImportFileError: the text's encoding cannot be told, or the file
            mixes UTF-8 with another encoding (the message says how to save
            the file as UTF-8).
    """
    pieces = iter(chunks)
    first = next(pieces, b"")
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        utf16 = codecs.getincrementaldecoder("utf-16")()
        seen = 0
        try:
            for piece in (first, *pieces):
                utf16.decode(piece)
                seen += len(piece)
            utf16.decode(b"", final=True)
        except UnicodeDecodeError as err:
            raise ImportFileError(
                _("The file starts as UTF-16 text but is broken at byte {pos}.").format(
                    pos=seen + err.start
                )
                + " "
                + _save_as_utf8()
            ) from err
        return "utf-16"
    bom = first.startswith(codecs.BOM_UTF8)
    utf8: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
    windows: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("cp1250")()
    iso = codecs.getincrementaldecoder("iso-8859-2")()
    same = True
    windows_odd = iso_odd = False
    piece = first[3:] if bom else first
    lines_before = 0  # line breaks in the bytes before ``tail``
    tail = b""  # the end of the last piece, when it may be half a UTF-8 letter
    utf8_line: int | None = None  # first line with a Polish letter written as UTF-8
    while True:
        if b"\0" in piece:
            raise ImportFileError(
                _(
                    "The file is not plain text: it has zero bytes (UTF-16 without its mark, "
                    "or an Excel workbook rather than CSV)."
                )
                + " "
                + _save_as_utf8()
            )
        final = not piece
        if utf8_line is None:
            scan = tail + piece
            found = _UTF8_POLISH.search(scan)
            if found is not None:
                utf8_line = lines_before + scan.count(b"\n", 0, found.start()) + 1
            tail = scan[-1:] if scan[-1:] and scan[-1] in _UTF8_LEADS else b""
            lines_before += scan.count(b"\n", 0, len(scan) - len(tail))
        if utf8 is not None:
            try:
                utf8.decode(piece, final=final)
            except UnicodeDecodeError:
                utf8 = None
        as_iso = iso.decode(piece, final=final)
        iso_odd = iso_odd or any(ch in _ISO_ODD for ch in as_iso)
        if windows is not None:
            try:
                as_windows = windows.decode(piece, final=final)
            except UnicodeDecodeError:
                windows = None
            else:
                same = same and as_windows == as_iso
                windows_odd = windows_odd or any(ch in _CP1250_ODD for ch in as_windows)
        if final:
            break
        piece = next(pieces, b"")
    if utf8 is not None:
        return "utf-8-sig" if bom else "utf-8"
    if utf8_line is not None:
        raise ImportFileError(
            [
                RowProblem(
                    utf8_line,
                    "",
                    _(
                        "the file mixes two encodings: this line's Polish letters are saved "
                        "as UTF-8, other lines' are not, so they would import garbled. "
                        "Save the whole file as UTF-8."
                    )
                    + " "
                    + _save_as_utf8(),
                )
            ]
        )
    if windows is not None and same:
        return "iso-8859-2"
    windows_ok = windows is not None and not windows_odd
    if windows_ok and iso_odd:
        return "cp1250"
    if not iso_odd and not windows_ok:
        return "iso-8859-2"
    raise ImportFileError(
        _(
            "The file's encoding cannot be told: it is not UTF-8, and read as Windows-1250 or "
            "as ISO-8859-2 its Polish letters come out differently. Save it as UTF-8."
        )
        + " "
        + _save_as_utf8()
    )


@contextmanager
def open_import(path: Path) -> Iterator[TextIO]:
    """An import file opened as text in its own encoding, to be read a line at a time.

    The file is read twice, a piece at a time, never whole: once to tell its
    encoding (:func:`encoding_of`), once by the caller, through the returned
    handle (``newline=""``, as the csv module wants).

    Raises:
        OSError: the file cannot be read (the caller shows the system's words).
        ImportFileError: its encoding cannot be told.
    """
    with path.open("rb") as raw:
        encoding = encoding_of(iter(lambda: raw.read(READ_CHUNK), b""))
    with path.open(encoding=encoding, newline="") as text:
        yield text


def fold(text: str) -> str:
    """A header or keyword folded for matching: lower case, no accents, single spaces."""
    text = text.replace("ł", "l").replace("Ł", "L")
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.lower().replace("_", " ").replace("-", " ").split())


@dataclass
class Sheet:
    """A decoded, header-mapped file."""

    columns: tuple[str, ...]
    """Canonical names of the file's columns, in file order."""
    rows: list[SheetRow] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)
    """Canonical column → its header as the file writes it (``Początek`` for ``start``)."""
    problems: list[RowProblem] = field(default_factory=list)
    """Rows that could not be split into cells (canonical column names), by line."""
    polish: bool = False
    """Whether the file's headers are Polish: hints then name values the Polish way."""
    warnings: list[RowProblem] = field(default_factory=list)
    """Columns the import leaves out (unknown headers), by the file's header, line 1."""

    _rows: Iterator[SheetRow] = field(default_factory=lambda: iter(()), repr=False)

    def each_row(self) -> Iterator[SheetRow]:
        """The rows not yet read, one at a time (read once); problems go to ``problems``."""
        return self._rows

    def error(self, problems: Iterable[RowProblem]) -> ImportFileError:
        """The problems as an error naming each column by the file's own header."""
        return ImportFileError(as_written(problems, self.written))


class Checked(list[T]):
    """The checked rows of a file, remembering the file's headers for later problems.

    Problems found only against the database (a NIP that belongs to another
    client, a login with another role) come after parsing; ``written`` lets
    them name the column as the file does.
    """

    def __init__(self, rows: Iterable[T], written: Mapping[str, str]) -> None:
        super().__init__(rows)
        self.written: dict[str, str] = dict(written)


def headers_of(rows: Iterable[object]) -> Mapping[str, str]:
    """The file's headers by canonical column, for rows from :class:`Checked` ({} otherwise)."""
    return rows.written if isinstance(rows, Checked) else {}


def as_written(problems: Iterable[RowProblem], written: Mapping[str, str]) -> list[RowProblem]:
    """Problems with each canonical column name replaced by the file's header for it.

    A column the file does not have (a missing one) keeps its English name.
    Sorted by line, so one run's problems read top to bottom.
    """
    out = [RowProblem(p.line, written.get(p.column, p.column), p.message) for p in problems]
    return sorted(out, key=lambda p: p.line)


def _csv_problem(err: csv.Error) -> str:
    """A csv module error in the user's language (its own text is English only)."""
    if "field limit" in str(err):
        return _row_too_long()
    return _('a quote (") is not closed, or text follows a closing quote.')


def _too_long() -> str:
    return _("longer than {n} characters (a quote that is never closed?).").format(
        n=MAX_FIELD_CHARS
    )


def _row_too_long() -> str:
    return _(
        "the row is longer than {n} characters (a quote that is never closed?); "
        "reading went on at the next line."
    ).format(n=MAX_ROW_CHARS)


MAX_ROW_CHARS = 100_000
"""The longest row read. A longer one is nearly always a quote never closed: it is
reported at the line where it starts, and reading goes on at the line after, so one
such row hides none of the others. At most this much of a row is held in memory."""


class _RowTooLong(Exception):
    """Raised through the csv reader when a row passes :data:`MAX_ROW_CHARS`."""


def _physical_lines(source: str | Iterable[str]) -> Iterator[str]:
    """The file's lines, each cut to :data:`MAX_ROW_CHARS` + 1 characters.

    A text handle is read a bounded piece at a time (a file with no line
    breaks is never read whole); the rest of a cut line is skipped, so the
    line numbers stay right and the cut line is reported as too long.
    """
    if isinstance(source, str):
        source = io.StringIO(source, newline="")
    if isinstance(source, io.TextIOBase):
        handle = source
        while True:
            line = handle.readline(MAX_ROW_CHARS + 1)
            if not line:
                return
            if len(line) > MAX_ROW_CHARS and not line.endswith(("\n", "\r")):
                while True:  # skip the rest of this physical line, piece by piece
                    rest = handle.readline(MAX_ROW_CHARS)
                    if not rest or rest.endswith(("\n", "\r")):
                        break
            yield line
    else:
        for line in source:
            yield line[: MAX_ROW_CHARS + 1]


class _Lines:
    """The lines fed to the csv reader: counted, and replayed after a bad row.

    After a row that cannot be split (an unclosed quote, a row too long), the
    lines it took after its first are given again, so reading resumes at the
    line after the bad row's first line.
    """

    def __init__(self, source: str | Iterable[str]) -> None:
        self._source = _physical_lines(source)
        self._back: deque[str] = deque()
        self.consumed = 0
        """Lines given to the reader so far (the line number of the last one)."""
        self._row: list[str] = []
        self._row_chars = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._back.popleft() if self._back else next(self._source)
        self.consumed += 1
        self._row.append(line)
        self._row_chars += len(line)
        if self._row_chars > MAX_ROW_CHARS:
            raise _RowTooLong
        return line

    def start_row(self) -> None:
        """A new row begins: forget the lines of the last one."""
        self._row = []
        self._row_chars = 0

    def give_back_all_but_first(self) -> None:
        """After a bad row: its lines after the first are read again."""
        rest = self._row[1:]
        self._back.extendleft(reversed(rest))
        self.consumed -= len(rest)
        self.start_row()

    def push(self, line: str) -> None:
        """Put one line back in front (the header, read to tell the delimiter)."""
        self._back.appendleft(line)
        self.consumed -= 1
        self.start_row()


ENGLISH_HEADERS = frozenset(
    fold(h)
    for h in (
        "e-mail", "mail", "tel", "contact", "postal code", "client id", "code", "starts on",
        "ends on", "hours already used", "fee", "on-site", "on site", "does onsite", "login ssh",
        "nip",
    )
)  # fmt: skip
"""Headers other than the canonical names that are English (or both languages' own)."""


POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
"""Letters only a Polish header has (an unknown ``Uwagi do umowy`` has none, ``Ważna`` has)."""


SHARED_HEADERS = frozenset(
    fold(h) for h in ("nip", "login", "login ssh", "email", "e-mail", "mail", "tel")
)
"""Headers both languages write alike: they say nothing about a file's language."""


def _polish_headers(header: Iterable[str], aliases: Mapping[str, str]) -> bool:
    """Whether a header row is Polish.

    The headers the import knows decide first: one that is neither canonical
    nor English makes the file Polish; else one that is English (and not
    written alike in both languages, like ``NIP`` or ``Login``) makes it
    English, whatever its extra columns are called (``Name,Kind,Telefon 2``
    is an English file). Only when the known headers do not tell, the others
    do: any header with a Polish letter (a misspelt ``Imię i nazwsko`` beside
    ``Login`` and ``NIP``), or an unknown one that is a near miss of a Polish
    header (``Imie i nazwsko``).
    """
    from difflib import get_close_matches  # only for a header the import does not know

    def polish(folded: str) -> bool:
        canonical = aliases.get(folded)
        return canonical is not None and folded != fold(canonical) and folded not in ENGLISH_HEADERS

    folded_all = [(raw, fold(raw)) for raw in header]
    known = [f for _raw, f in folded_all if f in aliases]
    if any(polish(f) for f in known):
        return True
    if any(f not in SHARED_HEADERS for f in known):
        return False
    for raw, folded in folded_all:
        if POLISH_LETTERS.intersection(raw):
            return True
        if folded not in aliases and any(
            polish(near) for near in get_close_matches(folded, list(aliases), n=1, cutoff=0.8)
        ):
            return True
    return False


def read_sheet(
    source: str | Iterable[str],
    aliases: Mapping[str, str],
    required: Iterable[str],
    polish_names: Mapping[str, str] | None = None,
) -> Sheet:
    """Split a CSV file into rows keyed by canonical column names, in one pass, all held.

    :func:`stream_sheet` with every row kept in ``Sheet.rows``: for the small
    files (people, contracts) whose rows are checked against each other.

    Raises:
        ImportFileError: as :func:`stream_sheet`.
    """
    sheet = stream_sheet(source, aliases, required, polish_names)
    sheet.rows.extend(sheet.each_row())
    return sheet


def stream_sheet(
    source: str | Iterable[str],
    aliases: Mapping[str, str],
    required: Iterable[str],
    polish_names: Mapping[str, str] | None = None,
) -> Sheet:
    """Read a CSV file's header now; its rows later, one at a time (``Sheet.each_row``).

    Rows that cannot be split (an unclosed quote, a row longer than
    :data:`MAX_ROW_CHARS`, more fields than columns, a cell longer than
    :data:`MAX_FIELD_CHARS`) are left out and added to ``Sheet.problems`` as
    they are met, each at the line where the row starts; reading goes on, so
    every other row is still there to check. Nothing but the current row is
    held, so a file of any size (up to :data:`MAX_ROWS` rows) takes the same
    memory.

    Args:
        source: the decoded file, as text or as lines (a text handle opened
            with ``newline=""`` is read a line at a time).
        aliases: folded header text → canonical column (English and Polish names).
        required: canonical columns that must be present.
        polish_names: canonical column → its Polish header, for problems of a
            file whose headers are Polish (a missing column, the known ones).

    A header the import does not know is left out, with a warning in
    ``Sheet.warnings`` (naming the known columns in the file's language).

    Raises:
        ImportFileError: the file is empty, or its header has repeated or
            missing columns, or cannot be split. Columns are named as the
            file's header writes them.
    """
    lines = _Lines(source)
    try:
        first = next(lines, "").removeprefix("\ufeff")
    except _RowTooLong as err:
        raise ImportFileError([RowProblem(1, "", _row_too_long())]) from err
    if not first.strip():
        raise ImportFileError(_("The file is empty."))
    lines.push(first)
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (csv.Error, _RowTooLong) as err:
        message = _csv_problem(err) if isinstance(err, csv.Error) else _row_too_long()
        raise ImportFileError([RowProblem(1, "", message)]) from err
    problems: list[RowProblem] = []
    columns: list[str] = []
    written: dict[str, str] = {}
    polish = _polish_headers(header, aliases)
    names = dict(polish_names or {}) if polish else {}
    warnings: list[RowProblem] = []
    for raw in header:
        name = aliases.get(fold(raw))
        if name is None:
            # Spreadsheets carry columns of their own (notes, a customer number):
            # left out with a warning, never a reason to refuse the file.
            known = sorted(names.get(c, c) for c in set(aliases.values()))
            warnings.append(
                RowProblem(
                    1,
                    raw.strip(),
                    _("not a column the import knows, so it is left out; known: {known}").format(
                        known=", ".join(known)
                    ),
                )
            )
            name = f"?{raw}"
        elif name in columns:
            problems.append(RowProblem(1, raw.strip(), _("the column appears twice")))
        else:
            written[name] = raw.strip()
        columns.append(name)
    for need in required:
        if need not in columns:
            problems.append(RowProblem(1, names.get(need, need), _("the column is missing")))
    if problems:  # the columns left out too: one may be the missing one, misspelt
        raise ImportFileError(sorted([*warnings, *problems], key=lambda p: p.line))
    sheet = Sheet(tuple(columns), written=written, polish=polish, warnings=warnings)
    sheet._rows = _sheet_rows(sheet, lines, reader)
    return sheet


def _sheet_rows(sheet: Sheet, lines: _Lines, reader: Iterator[list[str]]) -> Iterator[SheetRow]:
    """The data rows of a sheet whose header is read, problems going to ``sheet.problems``."""
    columns = sheet.columns
    count = 0
    while True:
        lines.start_row()
        line = lines.consumed + 1  # where the row starts, however many lines it takes
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as err:  # an unclosed quote, text after a closing quote
            sheet.problems.append(RowProblem(line, "", _csv_problem(err)))
            lines.give_back_all_but_first()
            continue
        except _RowTooLong:
            sheet.problems.append(RowProblem(line, "", _row_too_long()))
            lines.give_back_all_but_first()
            continue
        if not any(v.strip() for v in record):
            continue
        if count >= MAX_ROWS:
            sheet.problems.append(
                RowProblem(
                    line,
                    "",
                    _(
                        "the file has more than {n} rows, more than one import holds; "
                        "split it into smaller files (nothing after this line was read)."
                    ).format(n=MAX_ROWS),
                )
            )
            return
        if len(record) > len(columns):
            sheet.problems.append(RowProblem(line, "", _("more fields than columns")))
            continue
        long = [c for c, v in zip(columns, record, strict=False) if len(v) > MAX_FIELD_CHARS]
        if long:
            sheet.problems.extend(RowProblem(line, c, _too_long()) for c in long)
            continue
        count += 1
        yield SheetRow(line, dict(zip(columns, record, strict=False)))


def alias_map(names: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Folded header → canonical column, from each column's accepted names (itself included)."""
    out: dict[str, str] = {}
    for canonical, others in names.items():
        for name in (canonical, *others):
            out[fold(name)] = canonical
    return out


def foreign_digit(text: str) -> str | None:
    """The first digit in ``text`` that is not one of ASCII ``0``–``9`` (``٣``, ``３``), or None.

    Python reads such digits as numbers (``int("３") == 3``); a spreadsheet cell
    holding them is nearly always pasted from somewhere else, so an import takes
    numbers in ASCII digits only and names the cell that has another kind.
    """
    return next((ch for ch in text if ch.isdigit() and not ("0" <= ch <= "9")), None)


def foreign_digit_problem(text: str) -> str | None:
    """The problem of a number cell written with a digit other than ``0``–``9``, or None."""
    odd = foreign_digit(text)
    if odd is None:
        return None
    return _(
        "'{v}' has the digit '{d}', not one of 0-9; write numbers with the digits 0-9."
    ).format(v=text, d=odd)


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
