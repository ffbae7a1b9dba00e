"""Statement documents: shown time explains billed time; the Polish CSV is the Polish document."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.jobs import JobMode
from bbdispatch.reports.csv_report import render_csv
from bbdispatch.reports.markdown_report import render_markdown
from bbdispatch.services.context import Ctx
from bbdispatch.services.statements import build_statement
from bbdispatch.services.timekeeping import add_entry
from tests.unit.test_ledger_scenarios import ANNA, BILANS, NOV, ZIELINSKA, work


async def test_seconds_explain_the_billed_quarter_hours(demo_ctx: Ctx) -> None:
    # The issue: 15 min 30 s showed "0:15 | 0,5 h" beside 15:00 "0:15 | 0,25 h".
    job_entry = await work(demo_ctx, ZIELINSKA, 15, day=20, hour=9)
    s = await build_statement(demo_ctx, ZIELINSKA, *NOV)
    job = next(ln for ln in s.lines if ln.entry_id == job_entry).job_number
    start = datetime(2026, 11, 20, 10, tzinfo=FIRM_ZONE)
    await add_entry(
        demo_ctx, job_id=int(job), technician_id=ANNA, started_at=start,
        ended_at=start + timedelta(minutes=15, seconds=30), description="Druga wizyta",
        mode=JobMode.REMOTE,
    )  # fmt: skip
    md = render_markdown(await build_statement(demo_ctx, ZIELINSKA, *NOV))
    assert "| 0:15:00 | 0,25 h |" in md
    assert "| 0:15:30 | 0,5 h |" in md
    assert "w górę do pełnych 15 min" in md


async def test_contracts_show_start_used_and_left(demo_ctx: Ctx) -> None:
    await work(demo_ctx, BILANS, 80)  # the starter had 0:30 left: 0:30 on it, 1:00 uncovered
    md = render_markdown(await build_statement(demo_ctx, BILANS, *NOV))
    assert "| Umowa | Na początku okresu [h] | Wykorzystano w okresie [h] | Pozostało [h] |" in md
    assert "| BB/2026/002 Umowa startowa 10 h | 0,5 h | 0,5 h | 0 h | 0,00 zł |" in md
    assert "stawka 100,00 zł/h) | — | 1 h | — | 100,00 zł |" in md


async def test_semicolon_csv_is_the_polish_document(demo_ctx: Ctx) -> None:
    entry = await work(demo_ctx, BILANS, 80)
    s = await build_statement(demo_ctx, BILANS, *NOV)
    text = render_csv(s, ";")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")  # Excel reads Kamińska, not KamiĹ„ska
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Rodzaj", "Data", "Zlecenie"]
    line = next(r for r in rows if r[0] == "praca")
    assert line[1] == "23.11.2026"
    assert line[6] == "1:20:00"
    assert line[7] == "1,50"
    assert line[8] == "BB/2026/002 0,5 h + bez umowy 1 h"
    starter = next(r for r in rows if r[0] == "umowa")
    assert starter[7:12] == ["0,50", "BB/2026/002", "0,50", "0,00", "0,00"]
    totals = [r for r in rows if r[0] != "zasada"]
    assert [r[0] for r in totals[-3:]] == ["razem netto", "VAT", "razem brutto"]
    assert totals[-1][-1] == "123,00"
    # The default CSV stays English and ISO for scripts.
    english = list(csv.DictReader(io.StringIO(render_csv(s))))
    mine = next(r for r in english if r["record"] == "line" and r["date"] == "2026-11-23")
    assert mine["contract"] == "BB/2026/002 0.50 h + uncovered 1.00 h"
    assert mine["actual_seconds"] == "4800"
    assert entry


def test_worked_time_is_shown_to_the_second() -> None:
    from bbdispatch.formats import format_stopwatch

    assert format_stopwatch(timedelta(minutes=15, seconds=30)) == "0:15:30"
    assert format_stopwatch(timedelta(hours=79)) == "79:00:00"
    assert format_stopwatch(timedelta(seconds=20)) == "0:00:20"


async def test_csv_carries_the_rounding_rule_as_md_and_html_do(demo_ctx: Ctx) -> None:
    """The CSV had no rounding rule (md and html had it): a trailing ``rule`` row carries it."""
    from bbdispatch.reports import render

    await work(demo_ctx, BILANS, 80)
    s = await build_statement(demo_ctx, BILANS, *NOV)
    rule = "każdy wpis rozliczany jest w górę do pełnych 15 min"
    assert rule in render(s, "md", ",") and rule in render(s, "html", ",")
    english = list(csv.DictReader(io.StringIO(render_csv(s))))
    rules = [r for r in english if r["record"] == "rule"]
    assert english[-len(rules) :] == rules  # they close the document
    assert rule in rules[0]["description"] and all(not r["net_pln"] for r in rules)
    # A script summing the kinds it knows reads on: the totals are unchanged.
    gross = next(r for r in english if r["record"] == "total_gross")["net_pln"]
    assert gross == format(s.gross, "f")
    text = render_csv(s, ";").removeprefix("\ufeff")
    polish = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert polish[-1]["Rodzaj"] == "zasada" or rule in polish[-len(rules)]["Opis prac"]
    assert rule in next(r for r in polish if r["Rodzaj"] == "zasada")["Opis prac"]


async def test_json_rules_carry_the_rounding_rule_as_every_other_format(demo_ctx: Ctx) -> None:
    """JSON ``rules`` lacked the rounding sentence (it had only ``rounding_minutes``)."""
    import json

    from bbdispatch.reports import render

    await work(demo_ctx, BILANS, 80)
    s = await build_statement(demo_ctx, BILANS, *NOV)
    document = json.loads(render(s, "json", ","))
    assert "w górę do pełnych 15 min" in document["rules"][0]
    assert document["rounding_minutes"] == 15
    md = render(s, "md", ",")
    assert all(rule in md for rule in document["rules"])
