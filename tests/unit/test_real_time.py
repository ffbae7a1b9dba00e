"""Entry lengths in real (UTC) time, one reader of firm times, sane ranges, plausible dates."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from bbdispatch.clock import FIRM_ZONE, format_span
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.timeinput import parse_firm_moment
from bbdispatch.money import MoneyError, parse_money
from bbdispatch.services.context import Ctx
from bbdispatch.services.timekeeping import TooLong, TooShort, check_entry_times
from tests.unit.test_cli_office import cli, cli_json, new_private
from tests.unit.test_cli_office import db as db  # noqa: F401 (the office database fixture)

TODAY = date(2026, 11, 24)


def iso(text: str) -> datetime:
    return parse_firm_moment(text, TODAY)


async def test_a_night_the_clocks_go_back_is_limited_by_its_real_length(ctx: Ctx) -> None:
    # 00:00-09:30 on 25.10.2026 is 10:30 of real work: over the 10 h limit.
    with pytest.raises(TooLong, match="10.5 h is longer than 10 h"):
        check_entry_times(ctx, iso("2026-10-25T00:00"), iso("2026-10-25T09:30"))


async def test_a_night_the_clocks_go_forward_is_limited_by_its_real_length(ctx: Ctx) -> None:
    # 01:00-11:30 on 29.03.2026 is 9:30 of real work: under the limit, no --long.
    check_entry_times(ctx, iso("2026-03-29T01:00"), iso("2026-03-29T11:30"))
    # Local aware datetimes (as the TUI builds them) are measured the same way.
    start = datetime(2026, 3, 29, 1, 0, tzinfo=FIRM_ZONE)
    check_entry_times(ctx, start, datetime(2026, 3, 29, 11, 30, tzinfo=FIRM_ZONE))


async def test_forty_seconds_across_the_spring_gap_are_not_an_entry(ctx: Ctx) -> None:
    start = datetime(2026, 3, 29, 1, 59, 40, tzinfo=FIRM_ZONE)
    end = datetime(2026, 3, 29, 3, 0, 20, tzinfo=FIRM_ZONE)  # 40 s later in real time
    with pytest.raises(TooShort, match="40 s"):
        check_entry_times(ctx, start, end)


async def test_long_has_an_upper_bound(ctx: Ctx) -> None:
    start = iso("2026-10-01T08:00")
    with pytest.raises(DomainError, match=r"1,009 h is more than 168 h"):
        check_entry_times(ctx, start, iso("2026-11-12T08:00"), long=True)
    check_entry_times(ctx, start, start + timedelta(hours=168), long=True)


def test_iso_and_dotted_read_the_same_real_moment() -> None:
    assert (
        iso("2026-03-29T01:30")
        == iso("29.03.2026 01:30")
        == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    )
    with pytest.raises(DomainError, match="never happened"):
        iso("2026-03-29T02:30")
    with pytest.raises(DomainError, match="happened twice"):
        iso("2026-10-25T02:30")
    assert iso("2026-10-25T02:30+01:00") == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["9999-12-31T15:00", "0001-01-01T00:00", "1900-01-01T08:00", "01.01.0001 00:00",
             "9999-12-31T23:00+00:00"],
)  # fmt: skip
def test_years_out_of_range_are_one_message(text: str) -> None:
    with pytest.raises(DomainError, match=r"outside 2000–2999"):
        iso(text)


@pytest.mark.parametrize("text", ["1e3", "NaN", "Infinity", "1_000", "0x10", "1E+2"])
def test_amounts_are_digits(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_money(text)
    assert parse_money("2 950,00") == parse_money("2950.00")


def test_a_span_over_days_shows_its_end_day() -> None:
    start, end = iso("2026-10-01T08:00"), iso("2026-10-03T08:00")
    assert format_span(start, end) == "01/10/2026 08:00–03/10/2026 08:00"
    assert format_span(start, iso("2026-10-01T09:30")) == "01/10/2026 08:00–09:30"


def test_calendar_due_with_iso_across_the_spring_gap(capsys: pytest.CaptureFixture[str]) -> None:
    from bbdispatch.cli import main

    assert main(["calendar", "--due", "2026-03-29T01:30", "--priority", "emergency", "--json"]) == 0
    iso_due = capsys.readouterr().out
    assert main(["calendar", "--due", "29.03.2026 01:30", "--priority", "emergency", "--json"]) == 0
    assert capsys.readouterr().out == iso_due
    assert '"due_at": "2026-03-29T04:30:00+02:00"' in iso_due


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["calendar", "--due", "9999-12-31T15:00"], "--due: The year 9999 is outside"),
        (["calendar", "--due", "0001-01-01T00:00"], "--due: The year 1 is outside"),
        (["calendar", "--due", "2026-03-29T02:30"], "never happened"),
        (["calendar", "--year", "0"], "--year: The year 0 is outside"),
    ],
)
def test_calendar_refuses_in_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    from bbdispatch.cli import main

    try:
        code = main(args)
    except SystemExit as done:
        code = int(done.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert said in err
    assert err.count("\n") == 1


def test_time_add_refuses_times_before_the_job_and_far_years(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description",
                   "Serwer", "--rate", "100", "--received-at", "2026-10-20T08:00")["id"]  # fmt: skip
    base = ["time", "add", "--job", str(job), "--text", "Praca", "--tech", "anna"]
    err = cli(db, capsys, *base, "--from", "0001-01-01T00:00", "--to", "0001-01-01T01:00", code=2)
    assert "--from: The year 1 is outside 2000–2999." in err
    err = cli(db, capsys, *base, "--from", "2026-01-05T08:00", "--to", "2026-01-05T09:00", code=2)
    assert f"--from: Job {job} was received on 20/10/2026 08:00" in err
    # Not even a day before, nor a minute: the work starts when the job was received, or later.
    for start in ("2026-10-19T08:00", "2026-10-20T07:59"):
        err = cli(db, capsys, *base, "--from", start, "--to", "2026-10-20T09:00", "--long", code=2)
        assert err.startswith("bbdispatch: --from: ") and err.count("\n") == 1
    out = cli(db, capsys, *base, "--from", "2026-10-20T08:00", "--to", "2026-10-20T09:00")
    assert out.endswith(": 20/10/2026 08:00–09:00\n")
    out = cli(db, capsys, *base, "--from", "2026-10-21T08:00", "--to", "2026-10-23T08:00", "--long")
    assert out.endswith(": 21/10/2026 08:00–23/10/2026 08:00\n")


def test_statement_delimiter_is_checked(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["report", "statement", "--client", "1", "--from", "2026-11-01", "--to", "2026-11-30"]
    err = cli(db, capsys, *base, "--format", "csv", "--delimiter", "x", code=2)
    assert "--delimiter" in err and err.count("\n") == 1
    err = cli(db, capsys, *base, "--format", "md", "--delimiter", ";", code=2)
    assert err == "bbdispatch: --delimiter: only with --format csv\n"


def test_rate_in_exponent_form_is_refused(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    err = cli(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x",
              "--rate", "1e3", code=2)  # fmt: skip
    assert "--rate: Not an amount: 1e3" in err


def test_time_is_booked_only_for_a_technician_on_the_job(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description",
                   "Serwer", "--received-at", "2026-10-20T08:00")["id"]  # fmt: skip
    cli(db, capsys, "jobs", "assign", str(job), "--to", "anna")
    base = ["time", "add", "--job", str(job), "--text", "Praca"]
    err = cli(db, capsys, *base, "--from", "2026-10-20T09:00", "--to", "2026-10-20T10:00",
              "--tech", "boss", code=2)  # fmt: skip
    assert (
        err
        == f"bbdispatch: --tech: This technician is not on job {job}: assign the job to them first.\n"
    )
    cli(db, capsys, *base, "--from", "2026-10-20T09:00", "--to", "2026-10-20T10:00",
        "--tech", "anna")  # fmt: skip
    with sqlite3.connect(db) as conn:
        booked = conn.execute("SELECT p.login FROM work_entry w JOIN technician p"
                              " ON p.id = w.technician_id").fetchall()  # fmt: skip
    assert booked == [("anna",)]
