"""A statement as CSV: one header, one record per row, typed by its first column.

Two documents from one set of records: with ``,`` the script CSV (English,
ISO dates, dot decimals); with ``;`` (the Polish spreadsheet convention) the
Polish document an accountant opens in Excel: a byte-order mark, Polish
headers and words, ``30.11.2026``, decimal commas, so a spreadsheet reads
amounts and hours as numbers. Every text cell goes
through :func:`bbdispatch.text.spreadsheet_cell`, so a description such as
``=HYPERLINK(...)`` stays text in the spreadsheet; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from bbdispatch.clock import local
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.statements import Statement
from bbdispatch.money import format_plain
from bbdispatch.reports.common import (
    MODE_PL,
    PL,
    actual_pl,
    contract_label,
    contract_name_pl,
    correction_ref,
    date_pl,
    hours_plain,
    pln,
    rules_pl,
    seller_pl,
)
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
    "actual_seconds",
    "hours_used_opening",
]
"""Column names of the script CSV (English, stable: other systems read them)."""

HEADER_PL = {
    "record": "Rodzaj",
    "date": "Data",
    "job": "Zlecenie",
    "technician": "Technik",
    "mode": "Tryb",
    "description": "Opis prac",
    "actual": "Czas rzeczywisty",
    "billed_hours": "Rozliczono [h]",
    "contract": "Umowa",
    "hours_left_before": "Na początku okresu [h]",
    "hours_left_after": "Pozostało [h]",
    "net_pln": "Netto [zł]",
    "hours_used_opening": "Saldo otwarcia [h]",
}
"""Columns of the Polish spreadsheet document (``;``), in order. New ones go last, so
the columns a firm's spreadsheet already reads keep their places; the opening
balance's column is there only when a contract of the statement has one."""

RECORD_PL = {
    "line": "praca",
    "contract": "umowa",
    "uncovered": "poza umową",
    "agreed": "stawka uzgodniona",
    "price": "cena uzgodniona",
    "fee": "opłata miesięczna",
    "correction": "korekta",
    "statement": "wykaz",
    "total_net": "razem netto",
    "vat": "VAT",
    "total_gross": "razem brutto",
    "rule": "zasada",
}
"""Record kinds as the Polish document names them."""

BOM = "\ufeff"
"""Polish Excel reads a CSV as UTF-8 only after this mark (else ``Kamińska`` is mangled)."""


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
    """The statement as CSV text (write it as UTF-8).

    With ``,`` it is the script CSV: English headers and record kinds, ISO dates,
    dot decimals. With ``;`` (the Polish spreadsheet convention) it is the Polish
    document: a UTF-8 byte-order mark, Polish headers and words, ``30.11.2026``,
    decimal commas in every number and actual time as ``0:15:30``.
    """
    polish = delimiter == ";"

    def money(value: Decimal) -> str:
        text = format_plain(value)
        return text.replace(".", ",") if polish else text

    def hrs(minutes: int | None) -> str:
        return "" if minutes is None else hours_plain(minutes, polish)

    def day(value: date) -> str:
        return date_pl(value) if polish else value.isoformat()

    records: list[dict[str, str | int]] = []
    if s.number and s.issued_at:
        # An issued statement says which document it is: number, day of issue, issuer.
        records.append(
            {
                "record": "statement",
                "date": day(local(s.issued_at).date()),
                "job": s.number,
                "description": seller_pl(s),
            }
        )
    for ln in s.lines:
        records.append(
            {
                "record": "line",
                "date": day(ln.day),
                "job": ln.job_number,
                "technician": ln.technician,
                "mode": MODE_PL[ln.mode] if polish else ln.mode.value,
                "description": ln.description,
                "actual_minutes": ln.actual_minutes,
                "actual_seconds": ln.actual_seconds,
                "actual": actual_pl(ln.actual_seconds),
                "billed_hours": hrs(ln.billed_minutes),
                "contract": contract_label(ln, polish=polish),
                "net_pln": money(ln.net),
            }
        )
    for t in s.contracts:
        records.append(
            {
                "record": "contract",
                "description": contract_name_pl(t.contract) if polish else t.contract.title,
                "billed_hours": hrs(t.minutes),
                "contract": t.contract.number,
                "hours_left_before": hrs(t.left_before),
                "hours_left_after": hrs(t.left_after),
                "hours_used_opening": hrs(t.contract.opening_used_minutes)
                if t.contract.opening_used_minutes
                else "",
                "net_pln": money(t.net),
            }
        )
    for r in s.rates:
        if r.contract_number is not None:
            continue  # an hourly contract's record above carries it
        kind = "uncovered" if r.basis is ChargeBasis.UNCOVERED else "agreed"
        records.append(
            {
                "record": kind,
                "description": PL["rate"].format(rate=pln(r.rate))
                if polish
                else f"rate {format_plain(r.rate)}/h",
                "billed_hours": hrs(r.minutes),
                "net_pln": money(r.net),
            }
        )
    for p in s.prices:
        records.append(
            {
                "record": "price",
                "job": p.job_number,
                "description": PL["agreed_price"] if polish else "agreed price",
                "billed_hours": hrs(p.minutes),
                "net_pln": money(p.net),
            }
        )
    for f in s.fees:
        records.append(
            {
                "record": "fee",
                "description": f"{f.contract.title} × {f.months}",
                "contract": f.contract.number,
                "net_pln": money(f.net),
            }
        )
    for c in s.corrections:
        records.append(
            {
                "record": "correction",
                "date": day(c.made_on),
                "job": correction_ref(c),
                "description": c.reason,
                "billed_hours": hrs(c.minutes_delta),
                "net_pln": money(c.net_delta),
            }
        )
    for label, value in (("total_net", s.net), ("vat", s.vat), ("total_gross", s.gross)):
        records.append({"record": label, "net_pln": money(value)})
    # The document's rules close it, as in md and html: the rounding rule, then those
    # the statement needs. Typed "rule" with the text in the description, so scripts
    # that pick records by kind (and sum amounts of the kinds they know) read on.
    for rule in rules_pl(s):
        records.append({"record": "rule", "description": rule})

    out = io.StringIO()
    w = _SafeWriter(out, delimiter)
    if polish:
        out.write(BOM)
        columns = [
            key for key in HEADER_PL
            if key != "hours_used_opening"
            or any(t.contract.opening_used_minutes for t in s.contracts)
        ]  # fmt: skip
        w.writerow([HEADER_PL[key] for key in columns])
        for rec in records:
            rec["record"] = RECORD_PL[str(rec["record"])]
            w.writerow([rec.get(key, "") for key in columns])
    else:
        w.writerow(HEADER)
        for rec in records:
            w.writerow([rec.get(key, "") for key in HEADER])
    return out.getvalue()
