"""What every statement renderer shares: Polish labels, hours and the contract column.

Client-facing documents are always Polish (DESIGN.md), whatever the language of
the person printing them, so these labels do not go through gettext.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bbdispatch.clock import format_local
from bbdispatch.domain.contracts import Contract
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.statements import CorrectionLine, Statement, StatementLine
from bbdispatch.formats import (
    DOCUMENT_LOCALE,
    format_date,
    format_duration,
    format_hours,
    format_money,
    format_percent,
    format_stopwatch,
    hours_of,
)

PL = {
    "title": "Wykaz prac",
    "client": "Klient",
    "nip": "NIP",
    "period": "Okres",
    "issued": "Wystawiono",
    "draft": "Wersja robocza (nie wystawiono)",
    "date": "Data",
    "job": "Zlecenie",
    "technician": "Technik",
    "mode": "Tryb",
    "description": "Opis prac",
    "actual": "Czas rzeczywisty",
    "billed": "Rozliczono [h]",
    "contract": "Umowa",
    "net": "Netto",
    "contracts": "Rozliczenie umów",
    "hours": "Godziny w okresie",
    "left_before": "Na początku okresu [h]",
    "used": "Wykorzystano w okresie [h]",
    "left_after": "Pozostało [h]",
    "uncovered": "Czas poza umową",
    "uncovered_note": "rozliczony według stawki godzinowej z cennika",
    "agreed": "Prace według stawki uzgodnionej",
    "fees": "Opłaty miesięczne",
    "months": "Miesiące",
    "fee": "Opłata miesięczna",
    "corrections": "Korekty",
    "reason": "Powód",
    "total_net": "Razem netto",
    "vat": "VAT",
    "total_gross": "Razem brutto",
    "no_work": "Brak prac w okresie.",
    "no_contract": "bez umowy",
    "agreed_rate": "stawka uzgodniona",
    "agreed_price": "cena uzgodniona",
    "fixed_price_job": "Cena uzgodniona za zlecenie {job}",
    "not_billed": "bez opłaty",
    "totals": "Podsumowanie",
    "number": "Numer",
    "seller": "Wystawca",
    "refers_to": "Dotyczy",
    "rules": "Zasady rozliczenia",
    "rate": "stawka {rate}/h",
    "rounding_note": (
        "Czas rzeczywisty podano co do sekundy; każdy wpis rozliczany jest w górę do pełnych"
        " {n} min (np. 0:15:30 to 0,5 h przy 15 min), a wpis krótszy niż minuta nie jest"
        " rozliczany. Kwoty to godziny × stawka, zaokrąglone raz dla każdej stawki; kwoty"
        " wierszy są udziałami w tej sumie i sumują się do niej co do grosza."
    ),
}
"""Polish labels of the client-facing documents."""

MODE_PL = {JobMode.ONSITE: "na miejscu", JobMode.REMOTE: "zdalnie"}
"""On-site / remote in Polish."""


def hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (15 min = 0.25 h), half-up."""
    return hours_of(minutes)


def hours_plain(minutes: int, decimal_comma: bool = False) -> str:
    """``1.50`` for machines (``1,50`` for Polish spreadsheets)."""
    text = f"{hours(minutes):.2f}"
    return text.replace(".", ",") if decimal_comma else text


def hours_pl(minutes: int) -> str:
    """``1,5 h`` for the client."""
    return format_hours(minutes, DOCUMENT_LOCALE)


def contract_name_pl(contract: Contract) -> str:
    """``UM/2026/007 Umowa serwisowa 50 h``, with a contract's opening balance when it has one.

    A contract brought over from before bbdispatch (``contracts import``) had
    hours used already; the client sees them named as an opening balance, not
    as work of this period.
    """
    label = f"{contract.number} {contract.title}"
    if contract.opening_used_minutes:
        label += (
            " (" + OPENING_BALANCE_PL.format(hours=hours_pl(contract.opening_used_minutes)) + ")"
        )
    return label


OPENING_BALANCE_PL = "saldo otwarcia: {hours} wykorzystane przed wdrożeniem systemu"
"""How a statement names hours a contract had used before bbdispatch."""


def duration_pl(minutes: int) -> str:
    """Time spent as the client reads hours: ``1,33 h``."""
    return format_duration(minutes, DOCUMENT_LOCALE)


def actual_pl(seconds: int) -> str:
    """Actual time to the second, ``0:15:30``: it explains the billed hours next to it.

    Always with seconds (``0:15:00`` too), so the document's column reads evenly.
    """
    return format_stopwatch(timedelta(seconds=seconds))


CONTRACT_COLUMNS = ("contract", "left_before", "used", "left_after", "net")
"""Label keys of the contracts table: hours at the start of the period, used in it, left."""


def contract_rows(s: Statement) -> list[tuple[list[str], bool]]:
    """The contracts table of a statement: (cells in :data:`CONTRACT_COLUMNS` order, flagged).

    A block shows the hours it had when the period started, the hours used in
    it and what is left, so the client can check the arithmetic. Time no
    contract covered and time at an agreed rate follow, one row per rate, with
    the rate named (flagged rows are uncovered time: offer a contract), then one
    row per job agreed at a fixed price. The rows' amounts add up to
    :attr:`Statement.settlement_net`.
    """
    rows: list[tuple[list[str], bool]] = []
    for t in s.contracts:
        before = "—" if t.left_before is None else hours_pl(t.left_before)
        after = "—" if t.left_after is None else hours_pl(t.left_after)
        rows.append(
            ([contract_name_pl(t.contract), before, hours_pl(t.minutes), after, pln(t.net)], False)
        )
    for r in s.rates:
        if r.contract_number is not None:
            continue  # an hourly contract's row above already carries its hours and amount
        if r.basis is ChargeBasis.UNCOVERED:
            label = (
                f"{PL['uncovered']} ({PL['uncovered_note']}, {PL['rate'].format(rate=pln(r.rate))})"
            )
        else:
            label = f"{PL['agreed']} ({PL['rate'].format(rate=pln(r.rate))})"
        rows.append(
            ([label, "—", hours_pl(r.minutes), "—", pln(r.net)], r.basis is ChargeBasis.UNCOVERED)
        )
    for p in s.prices:
        label = PL["fixed_price_job"].format(job=p.job_number)
        rows.append(([label, "—", hours_pl(p.minutes), "—", pln(p.net)], False))
    return rows


def date_pl(day: date) -> str:
    """``24.11.2026``."""
    return format_date(day, DOCUMENT_LOCALE)


def contract_label(line: StatementLine, polish: bool = True) -> str:
    """Where an entry's time landed: ``BB/2026/002`` or ``BB/2026/002 0,5 h + bez umowy 1 h``."""
    if not line.charges:
        return PL["not_billed"] if polish else "not billed"
    names = []
    for c in line.charges:
        if c.contract_number:
            names.append(c.contract_number)
        elif c.basis is ChargeBasis.AGREED and c.fixed_price_job:
            # A fixed-price job's time is charged at no rate; its first line bills the price.
            names.append(PL["agreed_price"] if polish else "agreed price")
        elif c.basis is ChargeBasis.AGREED:
            names.append(PL["agreed_rate"] if polish else "agreed rate")
        else:
            names.append(PL["no_contract"] if polish else "uncovered")
    if len(names) == 1:
        return names[0]
    fmt = hours_pl if polish else (lambda m: f"{hours_plain(m)} h")
    return " + ".join(f"{n} {fmt(c.minutes)}" for n, c in zip(names, line.charges, strict=True))


LINE_COLUMNS = (
    "date", "job", "technician", "mode", "description", "actual", "billed", "contract", "net",
)  # fmt: skip
"""Label keys of the work-line table, in the order every client document shows them."""


def line_cells(line: StatementLine) -> list[str]:
    """One work line as the texts of the client's table, in :data:`LINE_COLUMNS` order.

    HTML and Markdown show the same table; only the markup around the cells differs.
    """
    return [
        date_pl(line.day),
        line.job_number,
        line.technician,
        MODE_PL[line.mode],
        line.description,
        actual_pl(line.actual_seconds),
        hours_pl(line.billed_minutes),
        contract_label(line),
        pln(line.net),
    ]


def pln(value: Decimal) -> str:
    """``3 628,50 zł``."""
    return format_money(value, DOCUMENT_LOCALE)


def vat_label(rate: Decimal) -> str:
    """``VAT 23%``: the percentage as Babel writes it for Polish, as everywhere else."""
    return f"{PL['vat']} {format_percent(rate, DOCUMENT_LOCALE)}"


def issued_pl(s: Statement) -> str:
    """When the statement was issued, in the firm's zone, or that it is a draft."""
    return format_local(s.issued_at, locale=DOCUMENT_LOCALE) if s.issued_at else PL["draft"]


def seller_pl(s: Statement) -> str:
    """``BB SOFT, ul. …, NIP …``: who issues the statement, as the price list names it."""
    if s.seller is None:
        return ""
    parts = [s.seller.name]
    if s.seller.address:
        parts.append(s.seller.address)
    if s.seller.nip:
        parts.append(f"NIP {s.seller.nip}")
    return ", ".join(parts)


FEE_RULE_PL = (
    "Opłata miesięczna umowy administrowania jest płatna z dołu i należy do jednego wykazu:"
    " tego, którego okres obejmuje ostatni dzień rozliczeniowy miesiąca (ostatni dzień"
    " miesiąca albo dzień zakończenia umowy)."
)
"""How the monthly fee is billed, written on every statement that bills one."""

CORRECTION_RULE_PL = (
    "Wystawiony wykaz nie zmienia się. Zmiany dotyczące okresu już rozliczonego są ujmowane"
    " jako korekty w następnym wykazie, ze znakiem: kwota ujemna pomniejsza należność."
)
"""How changes after issue are billed."""


def rules_pl(s: Statement) -> list[str]:
    """The rules the client needs to check the statement, in Polish, rounding first.

    Every format closes with these same sentences (md, html, CSV ``rule`` records,
    JSON ``rules``), so a script reading one format learns what a reader of another does.
    """
    out = [PL["rounding_note"].format(n=s.rounding_minutes)]
    if s.fees:
        out.append(FEE_RULE_PL)
    if s.corrections or s.number:
        out.append(CORRECTION_RULE_PL)
    return out


def correction_ref(c: CorrectionLine) -> str:
    """What a correction line refers to: the issued statement and the entry, else the job.

    ``WP/2026/10/001, wpis 17``: the entry's id lets an accountant find the line
    of the issued statement that changed (a line settling the whole period has none).
    """
    if c.refers_to and c.entry_id:
        return f"{c.refers_to}, wpis {c.entry_id}"
    return c.refers_to or c.job_number
