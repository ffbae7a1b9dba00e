"""The board's Left and Wait figures: ``h:mm`` like every duration, days in the language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bbdispatch.clock import format_age


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(minutes=45), "0:45"),
        (timedelta(hours=3, minutes=5), "3:05"),
        (-timedelta(hours=12, minutes=23), "-12:23"),
        (-timedelta(seconds=30), "-0:01"),  # just breached never reads 0:00
        (timedelta(hours=99, minutes=59), "99:59"),
    ],
)
def test_hours_and_minutes(delta: timedelta, shown: str) -> None:
    assert format_age(delta) == shown


def test_days_in_polish(polish: None) -> None:
    assert format_age(timedelta(days=5, hours=3)) == "5 dni"
    assert format_age(-timedelta(days=12)) == "-12 dni"


def test_days_in_english() -> None:
    assert format_age(timedelta(days=5, hours=3)) == "5 d"
