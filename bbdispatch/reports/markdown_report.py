"""A statement as Markdown: the client-facing document in plain text."""

from __future__ import annotations

from bbdispatch.domain.statements import Statement
from bbdispatch.reports.common import (
    CONTRACT_COLUMNS,
    LINE_COLUMNS,
    PL,
    actual_pl,
    contract_rows,
    correction_ref,
    date_pl,
    hours_pl,
    issued_pl,
    line_cells,
    pln,
    rules_pl,
    seller_pl,
    vat_label,
)
from bbdispatch.text import markdown_text


def _cell(text: str) -> str:
    """Stored or computed text in the document: literal, never HTML nor Markdown."""
    return markdown_text(text)


def render_markdown(s: Statement) -> str:
    """The statement as a Markdown document with Polish labels, dates and amounts."""
    out = [f"# {PL['title']}" + (f" {s.number}" if s.number else ""), ""]
    if s.seller is not None:
        out.append(f"**{PL['seller']}:** {_cell(seller_pl(s))}  ")
    out.append(f"**{PL['client']}:** {_cell(s.client_name)}  ")
    if s.client_nip:
        out.append(f"**{PL['nip']}:** {_cell(s.client_nip)}  ")
    out.append(f"**{PL['period']}:** {date_pl(s.period_from)} – {date_pl(s.period_to)}  ")
    out += [f"**{PL['issued']}:** {issued_pl(s)}", ""]
    out.append("| " + " | ".join(PL[c] for c in LINE_COLUMNS) + " |")
    out.append("|" + "|".join(["---"] * 5 + ["---:"] * 2 + ["---", "---:"]) + "|")
    for ln in s.lines:
        out.append("| " + " | ".join(_cell(c) for c in line_cells(ln)) + " |")
    if not s.lines:
        out.append(f"| {PL['no_work']} |" + " |" * 8)
    out += ["", f"## {PL['contracts']}", ""]
    out.append("| " + " | ".join(PL[c] for c in CONTRACT_COLUMNS) + " |")
    out.append("|---|---:|---:|---:|---:|")
    for cells, _flagged in contract_rows(s):
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if s.fees:
        out += [
            "",
            f"## {PL['fees']}",
            "",
            f"| {PL['contract']} | {PL['months']} | {PL['fee']} | {PL['net']} |",
            "|---|---:|---:|---:|",
        ]
        for f in s.fees:
            name = _cell(f"{f.contract.number} {f.contract.title}")
            out.append(f"| {name} | {f.months} | {pln(f.contract.net)} | {pln(f.net)} |")
    if s.corrections:
        out += [
            "",
            f"## {PL['corrections']}",
            "",
            f"| {PL['date']} | {PL['refers_to']} | {PL['reason']} | {PL['billed']} | {PL['net']} |",
            "|---|---|---|---:|---:|",
        ]
        for c in s.corrections:
            out.append(
                f"| {date_pl(c.made_on)} | {_cell(correction_ref(c))} | {_cell(c.reason)} | "
                f"{hours_pl(c.minutes_delta)} | {pln(c.net_delta)} |"
            )
    out += [
        "",
        f"## {PL['totals']}",
        "",
        "| | |",
        "|---|---:|",
        f"| {PL['actual']} | {actual_pl(s.actual_seconds)} |",
        f"| {PL['billed']} | {hours_pl(s.billed_minutes)} |",
        f"| **{PL['total_net']}** | **{pln(s.net)}** |",
        f"| {vat_label(s.vat_rate)} | {pln(s.vat)} |",
        f"| **{PL['total_gross']}** | **{pln(s.gross)}** |",
        "",
    ]
    out += [*(f"{r}\n" for r in rules_pl(s))]
    return "\n".join(out)
