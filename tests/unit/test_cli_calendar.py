"""``bbdispatch calendar``: closed days and response due times from the command line."""

from __future__ import annotations

import json

import pytest

from bbdispatch.cli import main
from bbdispatch.text import cell_width


def test_due_time_skips_independence_day(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "--due", "10.11.2026 15:00"]) == 0
    out = capsys.readouterr().out
    assert "due: 12/11/2026 Thu 15:00" in out
    assert "11/11/2026 Wed (public holiday: National Independence Day)" in out


def test_due_time_as_json_with_offset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "--due", "2026-12-23T15:00", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["due_at"] == "2026-12-28T15:00:00+01:00"
    assert [s["day"] for s in report["skipped"]] == ["2026-12-24", "2026-12-25"]


def test_emergency_counts_clock_hours(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "--due", "11.11.2026 10:00", "--priority", "emergency", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["due_at"] == "2026-11-11T12:00:00+01:00"


def test_closed_weekdays_of_a_year(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "--year", "2026", "--json"]) == 0
    days = [d["day"] for d in json.loads(capsys.readouterr().out)]
    assert "2026-04-06" in days  # Easter Monday
    assert "2026-06-04" in days  # Corpus Christi
    assert "2026-12-24" in days  # Christmas Eve, a holiday from 2025
    assert "2026-12-26" not in days  # a Saturday: closed anyway, not listed


def test_bad_time_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "--due", "jutro"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--due" in err


@pytest.mark.parametrize("language", ["pl", "en"])
def test_closed_days_keep_their_reasons_in_one_column(
    capsys: pytest.CaptureFixture[str], language: str
) -> None:
    # Polish weekday abbreviations differ in length: wt., śr., czw.
    assert main(["--lang", language, "calendar", "--year", "2026"]) == 0
    lines = capsys.readouterr().out.splitlines()
    starts = {cell_width(line[: line.index(":")].rsplit("  ", 1)[0]) for line in lines}
    assert len(lines) >= 8
    assert len(starts) == 1, lines
    if language == "pl":
        assert "06.01.2026 wt.     święto: Święto Trzech Króli" in lines
