"""Local times that never happened or happened twice in Warsaw: one message, every path."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE, AmbiguousLocalTime, NoSuchLocalTime, firm_time
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.timeinput import parse_moment
from tests.unit.test_cli_office import cli, cli_json, new_private
from tests.unit.test_cli_office import db as db  # noqa: F401 (the office database fixture)


def test_the_gap_and_the_overlap_are_refused_by_the_one_reader() -> None:
    with pytest.raises(NoSuchLocalTime):
        firm_time(datetime(2026, 3, 29, 2, 30))  # noqa: DTZ001
    with pytest.raises(AmbiguousLocalTime):
        firm_time(datetime(2026, 10, 25, 2, 30))  # noqa: DTZ001
    assert firm_time(datetime(2026, 3, 29, 3, 30)).utcoffset().total_seconds() == 7200  # type: ignore[union-attr]  # noqa: DTZ001


def test_the_tui_fields_say_why() -> None:
    with pytest.raises(DomainError, match="never happened in Warsaw"):
        parse_moment("29.03.2026 02:30", date(2026, 3, 29))
    with pytest.raises(DomainError, match="happened twice in Warsaw"):
        parse_moment("25.10 02:30", date(2026, 10, 25))


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)))  # noqa: DTZ001
def test_every_accepted_wall_time_reads_back_the_same(wall: datetime) -> None:
    try:
        moment = firm_time(wall)
    except (NoSuchLocalTime, AmbiguousLocalTime):
        return
    assert moment.astimezone(FIRM_ZONE).replace(tzinfo=None) == wall


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        ("2026-03-29T02:30", "2026-03-29T03:30", "--from: 29.03.2026 02:30 never happened"),
        ("2026-03-29T01:30", "2026-03-29T02:15", "--to: 29.03.2026 02:15 never happened"),
        ("2026-10-25T02:30", "2026-10-25T04:00", "--from: 25.10.2026 02:30 happened twice"),
    ],
)
def test_cli_names_the_field_and_never_shows_a_database_error(
    db: str, capsys: pytest.CaptureFixture[str], start: str, end: str, said: str
) -> None:
    # The tester's case: a raw "CHECK constraint failed", or 02:30-04:00 taken silently.
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description",
                   "Serwer", "--rate", "100")["id"]  # fmt: skip
    err = cli(db, capsys, "time", "add", "--job", str(job), "--from", start, "--to", end,
              "--text", "Nocna praca", "--tech", "anna", code=2)  # fmt: skip
    assert said in err
    assert "database error" not in err
    assert err.count("\n") == 1


def test_offset_picks_the_hour_on_the_night_clocks_go_back(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--client", str(client_id), "--description",
                   "Serwer", "--rate", "100", "--received-at", "2026-10-24T08:00")["id"]  # fmt: skip
    out = cli(db, capsys, "time", "add", "--job", str(job), "--from", "2026-10-25T02:30+02:00",
              "--to", "2026-10-25T02:15+01:00", "--text", "Nocna praca", "--tech", "anna")  # fmt: skip
    assert "entry" in out


@pytest.mark.parametrize(("flag", "value"), [("--rate", "1000000000"), ("--price", "100000.01")])
def test_absurd_agreed_terms_are_refused_naming_the_field(
    db: str, capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    client_id = new_private(db, capsys)
    err = cli(db, capsys, "jobs", "add", "--client", str(client_id), "--description", "x",
              flag, value, code=2)  # fmt: skip
    assert err.startswith(f"bbdispatch: {flag}: ")
