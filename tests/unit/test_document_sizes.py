"""A Polish document writes sizes with a decimal comma (the IT report said ``372.5 GB``)."""

from __future__ import annotations

from datetime import date

from bbdispatch.domain.backups import BackupResult, format_size, parse_size
from bbdispatch.reports.itadmin import render_itadmin
from bbdispatch.services.backups import record_backup_check
from bbdispatch.services.context import Ctx
from bbdispatch.services.itadmin_report import itadmin_report
from bbdispatch.services.schedule import run_schedule


def test_sizes_take_the_languages_decimal_sign_and_read_back() -> None:
    size = parse_size("372,5 GB")
    assert format_size(size, "pl_PL") == "372,5 GB"
    assert format_size(size, "en_GB") == "372.5 GB"
    assert format_size(parse_size("512 GB"), "pl_PL") == "512 GB"
    assert parse_size(format_size(size, "pl_PL")) == parse_size(format_size(size, "en_GB"))


async def test_the_it_report_writes_a_backup_size_the_polish_way(demo_ctx: Ctx) -> None:
    job = (await run_schedule(demo_ctx)).created[0].job_id  # the 23.11 backup check
    await record_backup_check(
        demo_ctx, job, result=BackupResult.OK, backup_date=date(2026, 11, 22),
        size_bytes=parse_size("372.5 GB"), location="NAS", note="",
    )  # fmt: skip
    report = await itadmin_report(demo_ctx, 3, date(2026, 11, 1))
    for fmt in ("md", "html"):
        text = render_itadmin(report, fmt)
        assert "372,5 GB" in text and "372.5" not in text, fmt
