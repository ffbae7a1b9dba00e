"""Issue 20, item 4: the IT administration report a client receives each month."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.domain.errors import NotFound
from bbdispatch.domain.recurring import RunState
from bbdispatch.reports.itadmin import render_itadmin
from bbdispatch.services.context import Ctx
from bbdispatch.services.itadmin_report import itadmin_report

ZDROWIE, APTEKA = 3, 5


async def test_the_demo_month_in_numbers(demo_ctx: Ctx) -> None:
    report = await itadmin_report(demo_ctx, ZDROWIE, date(2026, 11, 1))
    assert report.client_name == "Przychodnia Zdrowie Plus sp. z o.o."
    assert report.fee == Decimal("1800.00")
    assert report.due == len(report.runs) > 0
    assert report.done + report.missed <= report.due
    assert all(date(2026, 11, 1) <= r.due_at.date() <= date(2026, 11, 30) for r in report.runs)
    assert report.backups and report.inventories
    md = render_itadmin(report, "md")
    assert "# Raport administrowania zasobami IT" in md
    assert "listopad 2026" in md
    assert "| Opłata za miesiąc | 1 800,00 zł |" in md
    assert "Zainstalowano: AnyDesk" in md
    data = json.loads(render_itadmin(report, "json"))
    assert data["summary"]["fee"] == "1800.00"
    assert data["month"] == "2026-11"
    assert "<h1>Raport administrowania zasobami IT</h1>" in render_itadmin(report, "html")


async def test_a_missed_run_is_counted_and_named(demo_ctx: Ctx) -> None:
    demo_ctx.clock.advance(timedelta(days=10))  # type: ignore[attr-defined]
    report = await itadmin_report(demo_ctx, ZDROWIE, date(2026, 11, 1))
    open_after_day = [r for r in report.runs if r.state is RunState.OVERDUE]
    assert report.missed == len(open_after_day)
    if open_after_day:
        assert "nie wykonano" in render_itadmin(report, "md")


async def test_runs_the_schedule_called_for_but_never_created_are_missed(demo_ctx: Ctx) -> None:
    """The report counted only runs that exist as jobs (issue 20's tester).

    The demo's newest backup check (Monday 23.11) is left for ``schedule run``,
    and without one after the demo's day the 30.11 check never became a job
    either; on 02.12 the November report must show both due and missed, in
    every format.
    """
    demo_ctx.clock.advance(timedelta(days=8))  # type: ignore[attr-defined]  # Wed 02.12
    report = await itadmin_report(demo_ctx, ZDROWIE, date(2026, 11, 1))
    ghost = [r for r in report.runs if not r.created]
    assert [(r.due_at.day, r.due_at.hour, r.state) for r in ghost] == [
        (23, 9, RunState.OVERDUE), (30, 9, RunState.OVERDUE),
    ]  # fmt: skip
    assert {r.task_title for r in ghost} == {"Kontrola kopii zapasowych"}
    assert report.missed >= 1 and report.due == len(report.runs)
    assert "| nie wykonano, nie utworzono zlecenia |" in render_itadmin(report, "md")
    data = json.loads(render_itadmin(report, "json"))
    assert data["summary"]["missed"] == report.missed
    assert [r["created"] for r in data["runs"]].count(False) == 2
    # Once schedule run has made it, it is counted once, as the job it is.
    from bbdispatch.services.schedule import run_schedule

    await run_schedule(demo_ctx)
    after = await itadmin_report(demo_ctx, ZDROWIE, date(2026, 11, 1))
    assert all(r.created for r in after.runs)
    assert after.due == report.due and after.missed == report.missed


async def test_a_client_without_it_administration_is_told_so(demo_ctx: Ctx) -> None:
    with pytest.raises(NotFound, match="has no IT administration contract"):
        await itadmin_report(demo_ctx, APTEKA, date(2026, 11, 1))


def test_cli_report_itadmin(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--db", str(demo_db_path), "report", "itadmin", "--client", "3"]
    assert main([*args, "--month", "2026-11", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "Przychodnia Zdrowie Plus" in out and "1 800,00 zł" in out
    assert main([*args, "--month", "listopad"]) == 2
    assert "--month: give a month as 2026-11" in capsys.readouterr().err


def test_a_month_outside_the_contract_is_refused(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before its start (28.01.2026) the report was an empty document, exit 0."""
    args = ["--db", str(demo_db_path), "report", "itadmin", "--client", "3"]
    assert main([*args, "--month", "2025-12", "--format", "md"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().endswith(
        "IT administration did not run in 12.2025: BB/2026/003 runs from 28/01/2026."
    )
    assert main(["--lang", "pl", *args, "--month", "2025-11"]) == 2
    assert "nie było w 11.2025" in capsys.readouterr().err
    assert main([*args, "--month", "2026-01", "--format", "json"]) == 0  # its first month


async def test_schedule_run_names_missed_and_failed_runs_one_line_each(demo_ctx: Ctx) -> None:
    from bbdispatch.domain.backups import BackupResult
    from bbdispatch.services.backups import record_backup_check
    from bbdispatch.services.schedule import run_schedule

    demo_ctx.clock.advance(timedelta(days=8))  # type: ignore[attr-defined]  # Wed 02.12
    result = first = await run_schedule(demo_ctx)
    # The 30.11 run is made now, late: printed as created, not "missed" in the same run.
    assert [(c.occurrence_at.day, c.late) for c in result.created][-1] == (30, True)
    assert not [line for line in result.attention if line.startswith("missed:")]
    # Still open when the day it was made is over, it is missed, one line.
    demo_ctx.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]  # Thu 03.12
    result = await run_schedule(demo_ctx)
    missed = [line for line in result.attention if line.startswith("missed:")]
    assert any("Kontrola kopii zapasowych · 30/11/2026 09:00" in line for line in missed)
    assert all("\n" not in line for line in result.attention)
    job = next(c.job_id for c in first.created if c.occurrence_at.day == 30)
    await record_backup_check(
        demo_ctx, job, result=BackupResult.FAILED, backup_date=None, size_bytes=None,
        location="NAS", note="Dysk NAS pełny",
    )  # fmt: skip
    again = await run_schedule(demo_ctx)
    assert any(line.startswith("failed:") and "Dysk NAS pełny" in line for line in again.attention)


def test_contracts_json_shows_the_it_admin_fee_and_forecast_reasons(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(demo_db_path), "contracts", "--client", "3", "--json"]) == 0
    found = {c["code"]: c for c in json.loads(capsys.readouterr().out)}
    assert found["it-admin"]["monthly_fee"] == "1800.00"
    assert found["it-admin"]["no_forecast_because"] == "not a block of hours"
    assert found["network-1h"]["monthly_fee"] is None


ENGLISH = re.compile(r"\b(the|last|good|backup|days?|old|found|failed|checked|limit \d)\b", re.I)
"""Words of the English sentences the system writes that a Polish document never shows."""


CODES = {"result", "state"}
"""JSON keys whose values are codes for scripts, not words for the reader."""


def _visible_text(document: str, fmt: str) -> str:
    """What a reader of the document sees: the Markdown, the HTML's text, the JSON's values."""
    if fmt == "html":
        return re.sub(r"<[^>]*>", " ", document)
    if fmt == "json":

        def values(node: object) -> list[str]:
            if isinstance(node, dict):  # codes for scripts ("result": "failed") are no words
                return [v for k, item in node.items() if k not in CODES for v in values(item)]
            if isinstance(node, list):
                return [v for item in node for v in values(item)]
            return [node] if isinstance(node, str) else []

        return "\n".join(values(json.loads(document)))
    return document


async def test_the_report_words_the_systems_own_sentences_in_polish(demo_ctx: Ctx) -> None:
    """The tester's English session wrote "the last good backup is 61 days old" into it."""
    from bbdispatch.domain.recurring import RunOutcome
    from bbdispatch.services.backups import complete_backup_run
    from bbdispatch.services.schedule import run_schedule

    job = (await run_schedule(demo_ctx)).created[0].job_id
    done = await complete_backup_run(
        demo_ctx, job, checked="Log NAS przejrzany", outcome=RunOutcome.OK, problem="",
        backup_date=date(2026, 9, 24), size_bytes=None, location="NAS",
    )  # fmt: skip
    assert done is RunOutcome.PROBLEM
    report = await itadmin_report(demo_ctx, ZDROWIE, date(2026, 11, 1))
    for fmt in ("md", "html", "json"):
        text = _visible_text(render_itadmin(report, fmt), fmt)
        assert "ostatnia dobra kopia ma 61 dni (limit: 7)" in text, fmt
        assert "Log NAS przejrzany" in text, fmt
        assert ENGLISH.findall(text) == [], fmt


def test_a_month_not_yet_started_is_refused(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A month to come gave an empty report with a fee, exit 0."""
    args = ["--db", str(demo_db_path), "report", "itadmin", "--client", "3"]
    assert main([*args, "--month", "2099-01", "--format", "md"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "01.2099 has not started yet: its report can be made from 01/01/2099 on." in (
        captured.err
    )
    assert main([*args, "--month", "2026-11", "--format", "json"]) == 0  # the month under way


async def test_the_service_refuses_a_month_after_today(demo_ctx: Ctx) -> None:
    from bbdispatch.services.itadmin_report import OutsideTerm

    with pytest.raises(OutsideTerm, match="12.2026 has not started yet"):
        await itadmin_report(demo_ctx, ZDROWIE, date(2026, 12, 1))  # asked on 24.11


async def test_the_current_month_lists_its_runs_still_planned(demo_ctx: Ctx) -> None:
    """On 01.12 December's report said "Zadania zaplanowane 0" (issue 20's tester).

    The weekly backup check falls on the Mondays 07, 14, 21 and 28.12: the
    current month lists them as planned, not missed and not "no job made".
    """
    demo_ctx.clock.advance(timedelta(days=7))  # type: ignore[attr-defined]  # Tue 01.12
    report = await itadmin_report(demo_ctx, ZDROWIE, date(2026, 12, 1))
    checks = [r for r in report.runs if r.task_title == "Kontrola kopii zapasowych"]
    assert [r.due_at.day for r in checks] == [7, 14, 21, 28]
    assert {(r.state, r.created) for r in checks} == {(RunState.OPEN, False)}
    assert report.due == len(report.runs) >= 4 and report.missed == 0
    md = render_itadmin(report, "md")
    assert "Brak zadań w miesiącu" not in md and "| Zadania zaplanowane | 0 |" not in md
    assert "| zaplanowano |" in md and "nie utworzono zlecenia" not in md
