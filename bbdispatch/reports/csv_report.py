"""A statement as CSV for accounting: one header, one record per row, typed by ``record``.

With ``;`` as the delimiter (the Polish spreadsheet convention) amounts and hours
take a decimal comma, so a spreadsheet reads them as numbers. Every text cell goes
through :func:`bbdispatch.text.spreadsheet_cell`, so a description such as
``=HYPERLINK(...)`` stays text in the spreadsheet; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.statements import Statement
from bbdispatch.money import format_plain
from bbdispatch.reports.common import contract_label, hours_plain
from bbdispatch.text import printable, spreadsheet_cell

HEADER = [
    "record",
    "date",
    "job",
    "technician",
    "mode",
    "description",
    "actual_minutes",
    "billed_hours",
    "contract",
    "hours_left_before",
    "hours_left_after",
    "net_pln",
]
"""Column names (English, stable: other systems read them)."""


class _SafeWriter:
    """``csv.writer`` whose cells cannot run as formulas nor carry terminal codes."""

    def __init__(self, out: io.StringIO, delimiter: str) -> None:
        self._writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")

    def writerow(self, row: Sequence[str | int]) -> None:
        """Write one record; text cells neutralised, numbers as they are."""
        self._writer.writerow(
            [
                c if isinstance(c, int) else spreadsheet_cell(printable(c, multiline=True))
                for c in row
            ]
        )


def render_csv(s: Statement, delimiter: str = ",") -> str:
    """The statement as CSV text (write it as UTF-8)."""
    comma = delimiter == ";"

    def money(value: Decimal) -> str:
        text = format_plain(value)
        return text.replace(".", ",") if comma else text

    def hrs(minutes: int | None) -> str:
        return "" if minutes is None else hours_plain(minutes, comma)

    out = io.StringIO()
    w = _SafeWriter(out, delimiter)
    w.writerow(HEADER)
    for ln in s.lines:
        w.writerow(
            [
                "line",
                ln.day.isoformat(),
                ln.job_number,
                ln.technician,
                ln.mode.value,
                ln.description,
                ln.actual_minutes,
                hrs(ln.billed_minutes),
                contract_label(ln, polish=False),
                "",
                "",
                money(ln.net),
            ]
        )
    for t in s.contracts:
        w.writerow(
            [
                "contract",
                "",
                "",
                "",
                "",
                t.contract.title,
                "",
                hrs(t.minutes),
                t.contract.number,
                hrs(t.left_before),
                hrs(t.left_after),
                money(t.net),
            ]
        )
    for basis, label in ((ChargeBasis.UNCOVERED, "uncovered"), (ChargeBasis.AGREED, "agreed")):
        if s.minutes_of(basis):
            w.writerow(
                [
                    label,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    hrs(s.minutes_of(basis)),
                    "",
                    "",
                    "",
                    money(s.net_of(basis)),
                ]
            )
    for f in s.fees:
        w.writerow(
            [
                "fee",
                "",
                "",
                "",
                "",
                f"{f.contract.title} × {f.months}",
                "",
                "",
                f.contract.number,
                "",
                "",
                money(f.net),
            ]
        )
    for c in s.corrections:
        w.writerow(
            [
                "correction",
                c.made_on.isoformat(),
                c.job_number,
                "",
                "",
                c.reason,
                "",
                hrs(c.minutes_delta),
                "",
                "",
                "",
                money(c.net_delta),
            ]
        )
    for label, value in (("total_net", s.net), ("vat", s.vat), ("total_gross", s.gross)):
        w.writerow([label, "", "", "", "", "", "", "", "", "", "", money(value)])
    return out.getvalue()
