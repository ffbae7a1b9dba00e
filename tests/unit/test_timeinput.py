from datetime import UTC, date, datetime, timedelta

import pytest

from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.timeinput import parse_duration, parse_moment

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("14:30", datetime(2026, 11, 24, 13, 30, tzinfo=UTC)),
        ("23.11 08:05", datetime(2026, 11, 23, 7, 5, tzinfo=UTC)),
        ("01.07.2026 10:00", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),  # summer time
        ("23/11 08:05", datetime(2026, 11, 23, 7, 5, tzinfo=UTC)),  # as English shows it
        ("01/07/2026 10:00", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
    ],
)
def test_moments_in_warsaw_time(text: str, utc: datetime) -> None:
    assert parse_moment(text, TODAY) == utc


def test_a_date_without_year_is_the_most_recent_one() -> None:
    assert parse_moment("31.12 22:00", date(2027, 1, 2)) == datetime(2026, 12, 31, 21, tzinfo=UTC)


@pytest.mark.parametrize("text", ["25:00", "31.02 10:00", "yesterday", "29.03.2026 02:30"])
def test_impossible_moments_are_refused(text: str) -> None:
    with pytest.raises(DomainError):
        parse_moment(text, TODAY)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("90", 90), ("1:30", 90), ("1h30", 90), ("2h", 120), ("1.5", 90), ("1,5", 90),
     ("1,25 h", 75), ("0,5", 30)],
)  # fmt: skip
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "text", ["0", "1:75", "99999999999999999", "25h", "abc", "1,33", "0,0", "24,5"]
)
def test_bad_durations_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(DomainError):
        parse_duration(text)
