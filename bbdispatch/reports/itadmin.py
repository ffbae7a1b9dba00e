"""The IT administration report as the client receives it: Markdown, HTML or JSON.

Always Polish (like the work statement): ``24.11.2026``, ``1 800,00 zł``.
Stored text (task titles, outcomes, program names) goes through the document
escapes of :mod:`bbdispatch.text`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bbdispatch.clock import format_local, to_db
from bbdispatch.domain.backups import BackupResult, format_size
from bbdispatch.domain.itadmin_report import ItAdminReport, ReportRun
from bbdispatch.domain.recurring import RunState
from bbdispatch.formats import DOCUMENT_LOCALE
from bbdispatch.money import format_plain
from bbdispatch.reports.common import date_pl, duration_pl, pln
from bbdispatch.text import html_text, json_text, markdown_text

ITADMIN_FORMATS = ("md", "html", "json")
"""Formats ``report itadmin --format`` accepts."""

MONTHS_PL = (
    "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień",
    "wrzesień", "październik", "listopad", "grudzień",
)  # fmt: skip

STATE_PL = {
    RunState.DONE: "wykonano",
    RunState.PROBLEM: "problem",
    RunState.OPEN: "zaplanowano",
    RunState.OVERDUE: "nie wykonano",
    RunState.CANCELLED: "odwołano",
}
"""A run's state as the client reads it."""

PL = {
    "title": "Raport administrowania zasobami IT",
    "client": "Klient",
    "month": "Miesiąc",
    "made": "Sporządzono",
    "summary": "Podsumowanie",
    "due": "Zadania zaplanowane",
    "done": "Wykonane",
    "missed": "Niewykonane",
    "late": "Wykonane po terminie",
    "problems": "Z problemem",
    "spent": "Czas pracy",
    "fee": "Opłata za miesiąc",
    "runs": "Zadania",
    "due_at": "Termin",
    "task": "Zadanie",
    "technician": "Technik",
    "state": "Stan",
    "outcome": "Wynik",
    "backups": "Kopie zapasowe",
    "result": "Wynik kontroli",
    "backup_date": "Ostatnia kopia",
    "size": "Rozmiar",
    "location": "Miejsce",
    "note": "Uwagi",
    "inventory": "Zmiany w oprogramowaniu",
    "loaded": "Inwentaryzacja",
    "computer": "Komputer",
    "unnamed": "komputer bez nazwy",
    "programs": "Programów",
    "added": "Zainstalowano",
    "removed": "Usunięto",
    "updated": "Zaktualizowano",
    "first": "pierwsza inwentaryzacja (brak wcześniejszej do porównania)",
    "no_change": "bez zmian",
    "no_runs": "Brak zadań w miesiącu.",
    "no_backups": "Brak kontroli kopii w miesiącu.",
    "no_inventory": "Brak inwentaryzacji w miesiącu.",
    "contract": "Umowa",
    "ok": "poprawna",
    "failed": "nieudana",
    "late_mark": "po terminie",
    "not_created": "nie utworzono zlecenia",
}
"""Polish labels of the report."""


def _when(moment: datetime) -> str:
    """A moment on the report: Polish, whoever prints it (``24.11.2026 09:42``)."""
    return format_local(moment, locale=DOCUMENT_LOCALE)


def month_pl(report: ItAdminReport) -> str:
    """``listopad 2026``."""
    return f"{MONTHS_PL[report.month.month - 1]} {report.month.year}"


def _state(run: ReportRun) -> str:
    text = STATE_PL[run.state]
    # A run still to come has no job yet as a matter of course: it is just planned.
    if not run.created and run.state is not RunState.OPEN:
        text = f"{text}, {PL['not_created']}"
    return f"{text}, {PL['late_mark']}" if run.late else text


def _summary(r: ItAdminReport) -> list[tuple[str, str]]:
    return [
        (PL["due"], str(r.due)),
        (PL["done"], str(r.done)),
        (PL["missed"], str(r.missed)),
        (PL["late"], str(r.late)),
        (PL["problems"], str(r.problems)),
        (PL["spent"], duration_pl(r.minutes_spent)),
        (PL["fee"], pln(r.fee)),
    ]


def render_itadmin(report: ItAdminReport, fmt: str) -> str:
    """The report in one of :data:`ITADMIN_FORMATS`.

    Raises:
        ValueError: an unknown format.
    """
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    if fmt == "json":
        return json_text(report_dict(report)) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def render_markdown(r: ItAdminReport) -> str:
    """The report as Markdown."""
    m = markdown_text
    out = [
        f"# {PL['title']}",
        "",
        f"**{PL['client']}:** {m(r.client_name)}  ",
        f"**{PL['month']}:** {month_pl(r)}  ",
        f"**{PL['made']}:** {_when(r.made_at)}",
        "",
        f"## {PL['summary']}",
        "",
        "| | |",
        "|---|---:|",
        *(f"| {k} | {v} |" for k, v in _summary(r)),
    ]
    for f in r.fees:
        out.append(f"| {PL['contract']} {m(f.number)} | {pln(f.fee)} |")
    out += ["", f"## {PL['runs']}", ""]
    if r.runs:
        out += [
            f"| {PL['due_at']} | {PL['task']} | {PL['technician']} | {PL['state']}"
            f" | {PL['outcome']} |",
            "|---|---|---|---|---|",
        ]
        for run in r.runs:
            out.append(
                f"| {_when(run.due_at)} | {m(run.task_title)} | {m(run.technician)}"
                f" | {_state(run)} | {m(run.outcome)} |"
            )
    else:
        out.append(PL["no_runs"])
    out += ["", f"## {PL['backups']}", ""]
    if r.backups:
        out += [
            f"| {PL['due_at']} | {PL['result']} | {PL['backup_date']} | {PL['size']}"
            f" | {PL['location']} | {PL['note']} |",
            "|---|---|---|---:|---|---|",
        ]
        for b in r.backups:
            out.append(
                f"| {date_pl(b.due_at.date())} | {_result(b.result)}"
                f" | {date_pl(b.backup_date) if b.backup_date else '—'}"
                f" | {format_size(b.size_bytes, DOCUMENT_LOCALE)} | {m(b.location)} | {m(b.note)} |"
            )
    else:
        out.append(PL["no_backups"])
    out += ["", f"## {PL['inventory']}", ""]
    if not r.inventories:
        out.append(PL["no_inventory"])
    for inv in r.inventories:
        out.append(
            f"**{PL['computer']} {markdown_text(inv.host or PL['unnamed'])}** · {PL['loaded']}"
            f" {_when(inv.loaded_at)} ({PL['programs']}: {inv.programs})"
        )
        out.append("")
        out += [
            f"- {line}" for line in _inventory_lines(inv.first, inv.added, inv.removed, inv.updated)
        ]
        out.append("")
    out.append("")
    return "\n".join(out)


def _result(result: BackupResult) -> str:
    return PL["ok"] if result is BackupResult.OK else PL["failed"]


def _inventory_lines(
    first: bool, added: tuple[str, ...], removed: tuple[str, ...], updated: tuple[str, ...]
) -> list[str]:
    if first:
        return [PL["first"]]
    kinds = (("added", added), ("removed", removed), ("updated", updated))
    lines = [f"{PL[k]}: {', '.join(markdown_text(x) for x in v)}" for k, v in kinds if v]
    return lines or [PL["no_change"]]


def render_html(r: ItAdminReport) -> str:
    """The report as one self-contained HTML page."""
    h = html_text

    def table(head: list[str], rows: list[list[str]]) -> str:
        cells = "".join(f"<th>{h(x)}</th>" for x in head)
        body = "".join("<tr>" + "".join(f"<td>{h(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><tr>{cells}</tr>{body}</table>"

    parts = [
        '<!DOCTYPE html>\n<html lang="pl">\n<head>\n<meta charset="utf-8">',
        f"<title>{PL['title']} — {h(r.client_name)}</title>",
        "<style>body{font-family:sans-serif;font-size:10pt}table{border-collapse:collapse}"
        "td,th{border:1px solid #888;padding:2px 6px}</style>\n</head>\n<body>",
        f"<h1>{PL['title']}</h1>",
        f"<p><strong>{PL['client']}:</strong> {h(r.client_name)}<br>"
        f"<strong>{PL['month']}:</strong> {h(month_pl(r))}<br>"
        f"<strong>{PL['made']}:</strong> {h(_when(r.made_at))}</p>",
        f"<h2>{PL['summary']}</h2>",
        table(
            ["", ""],
            [[k, v] for k, v in _summary(r)]
            + [[f"{PL['contract']} {f.number}", pln(f.fee)] for f in r.fees],
        ),  # fmt: skip
        f"<h2>{PL['runs']}</h2>",
        table(
            [PL["due_at"], PL["task"], PL["technician"], PL["state"], PL["outcome"]],
            [[_when(x.due_at), x.task_title, x.technician, _state(x), x.outcome] for x in r.runs],
        )
        if r.runs
        else f"<p>{PL['no_runs']}</p>",  # fmt: skip
        f"<h2>{PL['backups']}</h2>",
        table(
            [PL["due_at"], PL["result"], PL["backup_date"], PL["size"], PL["location"], PL["note"]],
            [
                [
                    date_pl(b.due_at.date()),
                    _result(b.result),
                    date_pl(b.backup_date) if b.backup_date else "—",
                    format_size(b.size_bytes, DOCUMENT_LOCALE),
                    b.location,
                    b.note,
                ]
                for b in r.backups
            ],
        )
        if r.backups
        else f"<p>{PL['no_backups']}</p>",  # fmt: skip
        f"<h2>{PL['inventory']}</h2>",
    ]
    if not r.inventories:
        parts.append(f"<p>{PL['no_inventory']}</p>")
    for inv in r.inventories:
        parts.append(
            f"<p><strong>{PL['computer']} {h(inv.host or PL['unnamed'])}</strong>"
            f" · {PL['loaded']} {h(_when(inv.loaded_at))}"
            f" ({PL['programs']}: {inv.programs})</p><ul>"
        )
        if inv.first:
            lines = [PL["first"]]
        else:
            lines = [f"{PL[k]}: {', '.join(v)}"
                     for k, v in (("added", inv.added), ("removed", inv.removed),
                                  ("updated", inv.updated)) if v] or [PL["no_change"]]  # fmt: skip
        parts += [f"<li>{h(x)}</li>" for x in lines]
        parts.append("</ul>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def report_dict(r: ItAdminReport) -> dict[str, Any]:
    """The report as JSON-ready data: ISO dates, amounts as ``"1800.00"``."""
    return {
        "client": r.client_name,
        "month": f"{r.month.year}-{r.month.month:02d}",
        "made_at": to_db(r.made_at),
        "summary": {
            "due": r.due,
            "done": r.done,
            "missed": r.missed,
            "late": r.late,
            "problems": r.problems,
            "minutes_spent": r.minutes_spent,
            "fee": format_plain(r.fee),
        },  # fmt: skip
        "fees": [
            {"contract": f.number, "title": f.title, "fee": format_plain(f.fee)} for f in r.fees
        ],  # fmt: skip
        "runs": [
            {
                "due_at": to_db(x.due_at),
                "task": x.task_title,
                "technician": x.technician,
                "state": x.state.value,
                "late": x.late,
                "created": x.created,
                "documented_at": to_db(x.documented_at) if x.documented_at else None,
                "outcome": x.outcome,
            }
            for x in r.runs
        ],  # fmt: skip
        "backups": [
            {
                "due_at": to_db(b.due_at),
                "result": b.result.value,
                "backup_date": b.backup_date.isoformat() if b.backup_date else None,
                "size_bytes": b.size_bytes,
                "location": b.location,
                "note": b.note,
            }
            for b in r.backups
        ],  # fmt: skip
        "inventories": [
            {
                "host": i.host,
                "loaded_at": to_db(i.loaded_at),
                "programs": i.programs,
                "first": i.first,
                "added": list(i.added),
                "removed": list(i.removed),
                "updated": list(i.updated),
            }
            for i in r.inventories
        ],  # fmt: skip
    }
