"""A statement as a printable, self-contained HTML page for the client."""

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
from bbdispatch.text import html_text

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; margin: 2em; color: #000; }
h1 { font-size: 16pt; margin-bottom: 0.2em; }
h2 { font-size: 12pt; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #888; padding: 3px 6px; vertical-align: top; }
th { background: #eee; text-align: left; }
td.n { text-align: right; white-space: nowrap; }
tr.uncovered td { background: #fff3cd; }
table.totals { width: auto; margin-left: auto; }
table.totals tr.strong td { font-weight: bold; }
@media print { body { margin: 0; } }
"""


def _row(cells: list[str], numeric: set[int], cls: str = "") -> str:
    tds = "".join(
        f'<td class="n">{html_text(c)}</td>' if i in numeric else f"<td>{html_text(c)}</td>"
        for i, c in enumerate(cells)
    )
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>{tds}</tr>"


def _head(labels: list[str]) -> str:
    return "<tr>" + "".join(f"<th>{html_text(x)}</th>" for x in labels) + "</tr>"


def render_html(s: Statement) -> str:
    """The statement as one HTML page (Polish labels, ``24.11.2026``, ``3 628,50 zł``)."""
    issued = issued_pl(s)
    nip = f"<br>{PL['nip']}: {html_text(s.client_nip)}" if s.client_nip else ""
    parts = [
        '<!DOCTYPE html>\n<html lang="pl">\n<head>\n<meta charset="utf-8">',
        f"<title>{PL['title']} — {html_text(s.client_name)}</title>",
        f"<style>{CSS}</style>\n</head>\n<body>",
        f"<h1>{PL['title']}{html_text(' ' + s.number) if s.number else ''}</h1>",
        f"<p><strong>{PL['seller']}:</strong> {html_text(seller_pl(s))}</p>" if s.seller else "",
        f"<p><strong>{PL['client']}:</strong> {html_text(s.client_name)}<br>"
        f"{html_text(s.client_address)}{nip}<br>"
        f"<strong>{PL['period']}:</strong> {date_pl(s.period_from)} – {date_pl(s.period_to)}<br>"
        f"<strong>{PL['issued']}:</strong> {html_text(issued)}</p>",
        "<table>",
        _head([PL[c] for c in LINE_COLUMNS]),
    ]
    for ln in s.lines:
        parts.append(_row(line_cells(ln), {5, 6, 8}, "uncovered" if ln.uncovered else ""))
    if not s.lines:
        parts.append(f'<tr><td colspan="9">{PL["no_work"]}</td></tr>')
    parts += [
        "</table>",
        f"<h2>{PL['contracts']}</h2>",
        "<table>",
        _head([PL[c] for c in CONTRACT_COLUMNS]),
    ]
    for cells, flagged in contract_rows(s):
        parts.append(_row(cells, {1, 2, 3, 4}, "uncovered" if flagged else ""))
    parts.append("</table>")
    if s.fees:
        parts += [
            f"<h2>{PL['fees']}</h2>",
            "<table>",
            _head([PL["contract"], PL["months"], PL["fee"], PL["net"]]),
        ]
        for f in s.fees:
            name = f"{f.contract.number} {f.contract.title}"
            parts.append(_row([name, str(f.months), pln(f.contract.net), pln(f.net)], {1, 2, 3}))
        parts.append("</table>")
    if s.corrections:
        parts += [
            f"<h2>{PL['corrections']}</h2>",
            "<table>",
            _head([PL["date"], PL["refers_to"], PL["reason"], PL["billed"], PL["net"]]),
        ]
        for c in s.corrections:
            cells = [
                date_pl(c.made_on),
                correction_ref(c),
                c.reason,
                hours_pl(c.minutes_delta),
                pln(c.net_delta),
            ]
            parts.append(_row(cells, {3, 4}))
        parts.append("</table>")
    parts += [
        f"<h2>{PL['totals']}</h2>",
        '<table class="totals">',
        _row([PL["actual"], actual_pl(s.actual_seconds)], {1}),
        _row([PL["billed"], hours_pl(s.billed_minutes)], {1}),
        _row([PL["total_net"], pln(s.net)], {1}, "strong"),
        _row([vat_label(s.vat_rate), pln(s.vat)], {1}),
        _row([PL["total_gross"], pln(s.gross)], {1}, "strong"),
        "</table>",
        *(f"<p>{html_text(r)}</p>" for r in rules_pl(s)),
        "</body>\n</html>\n",
    ]
    return "\n".join(parts)
