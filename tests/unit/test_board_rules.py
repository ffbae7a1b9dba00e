from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.board import BoardFilter, build_line, sort_lines, summarise
from bbdispatch.domain.jobs import Category, Job, JobMode, JobRow, JobStatus, Priority
from bbdispatch.pricelist import PriceList

NOW = datetime(2026, 11, 24, 9, 42, tzinfo=FIRM_ZONE)


def _row(job_id: int, **changes: object) -> JobRow:
    job = Job(
        id=job_id, client_id=1, contract_id=None, caller_phone="+48601234567",
        caller_name="Halina Nowak", received_at=NOW - timedelta(hours=job_id),
        description="Drukarka drukuje puste strony", mode=JobMode.ONSITE,
        priority=Priority.NORMAL, category=Category.HARDWARE, status=JobStatus.ASSIGNED,
        technician_id=3, visit_at=None, site_address="", agreed_rate=None, resolution="",
        status_reason="", recurring_task_id=None, occurrence_at=None, late=False,
        closed_at=None, updated_at=NOW,
    )  # fmt: skip
    job_fields = {k: v for k, v in changes.items() if k in Job.__dataclass_fields__}
    row = JobRow(job=replace(job, **job_fields), client_name="Kancelaria Notarialna Nowak",
                 technician_name="Marek Dąbrowski")  # fmt: skip
    if "timer_started_at" in changes:
        row = replace(row, timer_started_at=changes["timer_started_at"])  # type: ignore[arg-type]
    return row


def test_flags(prices: PriceList) -> None:
    plain = build_line(_row(1), [], NOW, prices)
    assert plain.flags.symbols == ""
    recurring = build_line(
        _row(2, recurring_task_id=1, occurrence_at=NOW - timedelta(days=1)), [], NOW, prices
    )
    assert recurring.flags.recurring_overdue
    assert "⟳" in recurring.flags.symbols
    today = build_line(_row(2, recurring_task_id=1, occurrence_at=NOW), [], NOW, prices)
    assert today.flags.symbols == "↻"
    forgotten = build_line(_row(3, timer_started_at=NOW - timedelta(hours=11)), [], NOW, prices)
    assert forgotten.flags.timer_forgotten
    alert = build_line(_row(4, alert="Kopia nie powiodła się"), [], NOW, prices)
    assert alert.flags.symbols == "⚠"
    emergency = build_line(_row(5, priority=Priority.EMERGENCY), [], NOW, prices)
    assert emergency.flags.symbols == "!⏰"  # 5 h old, target 2 h


def test_order_and_summary(prices: PriceList) -> None:
    lines = [
        build_line(_row(1), [], NOW, prices),
        build_line(_row(6, technician_id=None), [], NOW, prices),
        build_line(_row(5, priority=Priority.EMERGENCY), [], NOW, prices),
    ]
    assert [ln.job_id for ln in sort_lines(lines)] == [5, 6, 1]
    s = summarise(lines)
    assert (s.open, s.emergencies, s.unassigned, s.breached) == (3, 1, 1, 1)


def test_filter_parsing_and_matching(prices: PriceList) -> None:
    line = build_line(_row(1), [], NOW, prices)
    f = BoardFilter.parse('s:assig t:marek m:on c:"notarialna nowak" druk')
    assert (f.status, f.technician, f.mode, f.client, f.text) == (
        "assig", "marek", "on", "notarialna nowak", "druk",
    )  # fmt: skip
    assert f.matches(line)
    assert BoardFilter.parse("s:in_progress").matches(line) is False
    assert BoardFilter.parse("t:-").matches(line) is False
    assert BoardFilter.parse("601234").matches(line)  # caller's phone
    assert BoardFilter.parse("dabrowski").matches(line)  # accents folded
    assert BoardFilter.parse('c:"unclosed').matches(line) is False


def test_the_people_an_audit_trail_names_are_the_ids_of_its_people_fields() -> None:
    from datetime import UTC, datetime

    from bbdispatch.domain.audit import AuditEntry
    from bbdispatch.domain.audit_text import people_in_trail

    def entry(**detail: object) -> AuditEntry:
        return AuditEntry(1, datetime(2026, 11, 30, tzinfo=UTC), "anna", "job", 7, "x", detail)

    trail = [
        entry(technician_id={"from": 3, "to": 5}, status="assigned"),
        entry(technician=8, from_technician=None, client_id=99, urgent=True),
        entry(technician_id={"from": None, "to": 2}),
    ]
    assert people_in_trail(trail) == {2, 3, 5, 8}


def test_quoted_polish_labels_of_two_words_match_whole(polish: None, prices: PriceList) -> None:
    """``m:"na miejscu"`` and ``s:"w toku"`` match the translated label, English still works."""
    onsite = build_line(_row(1), [], NOW, prices)
    working = build_line(
        _row(2, status=JobStatus.IN_PROGRESS, mode=JobMode.REMOTE), [], NOW, prices
    )
    for typed, hits in [
        ('m:"na miejscu"', [onsite]),
        ("m:na", [onsite]),
        ("m:on-site", [onsite]),
        ('m:"on site"', [onsite]),
        ('s:"w toku"', [working]),
        ("s:toku", [working]),
        ('s:"in progress"', [working]),
        ("s:in_progress", [working]),
        ('s:"w', [working]),  # an unclosed quote runs to the end of the text
        ('s:"w to', [working]),
        ('m:"na miejscu" s:"w toku"', []),
    ]:
        f = BoardFilter.parse(typed)
        assert [ln for ln in (onsite, working) if f.matches(ln)] == hits, typed
    assert BoardFilter.parse('s:"w').status == "w"
