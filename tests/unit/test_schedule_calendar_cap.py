"""Issue 13 (I): a ``--now`` past the firm's calendar says the cap instead of listing 2100's runs.

``schedule run --now 2126-01-01T00:00 --dry-run`` listed runs dated 2100: the
``holidays`` package knows Poland's public holidays up to 31.12.2100, and the
scheduler plans no run after the last day it knows (every weekday would look
worked), so the preview silently stopped there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.domain.calendar import FirmCalendar


@pytest.mark.parametrize("now", ["2126-01-01T00:00", "2101-01-01T00:30"])
def test_a_now_past_the_calendar_is_refused_naming_its_last_day(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str], now: str
) -> None:
    assert FirmCalendar().known_until.isoformat() == "2100-12-31"
    db = ["--db", str(demo_db_path)]
    assert main([*db, "--lang", "en", "schedule", "run", "--now", now, "--dry-run"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "bbdispatch: --now: The firm's calendar knows public holidays up to 31/12/2100:"
        " plan runs before then.\n"
    )


def test_the_calendars_last_day_still_previews(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(demo_db_path)]
    now = ["--now", "2100-12-31T23:00", "--dry-run", "--json"]
    assert main([*db, "schedule", "run", *now]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert runs and all(r["occurrence_at"][:4] == "2100" for r in runs)
