"""Rows stored as words before messages were stored as codes are shown in the reader's language.

A firm that switched to Polish read ``assigned to Anna Kamińska`` in its job
history: the row held English prose, shown as stored.
"""

from __future__ import annotations

import pytest

from bbdispatch.domain.messages import shown, stored


@pytest.mark.parametrize(
    "old",
    [
        "assigned to Anna Kamińska",
        "Closed without a job: drukarka",
        "Closed without a job",
        "prepaid block BB/2026/001, oldest with hours left",
    ],
)
def test_old_english_rows_read_as_the_coded_ones(polish: None, old: str) -> None:
    assert shown(old) == shown(stored_for(old))
    assert shown(old) != old


def stored_for(old: str) -> str:
    return {
        "assigned to Anna Kamińska": stored("status.assigned", name="Anna Kamińska"),
        "Closed without a job: drukarka": stored("call.closed_without_job_typed", text="drukarka"),
        "Closed without a job": stored("call.closed_without_job"),
        "prepaid block BB/2026/001, oldest with hours left": stored(
            "charge.block", n="BB/2026/001"
        ),
    }[old]


def test_old_polish_rows_read_in_english() -> None:
    assert shown("przypisane: Anna Kamińska") == "assigned to Anna Kamińska"


def test_the_polish_wording(polish: None) -> None:
    assert shown("assigned to Anna Kamińska") == "przypisane: Anna Kamińska"
    assert shown("Closed without a job: drukarka") == "Zamknięte bez zlecenia: drukarka"


def test_notes_typed_by_people_stay_literal(polish: None) -> None:
    for typed in ("assigned", "klient oddzwoni", "Closed without a job, maybe"):
        assert shown(typed) == typed
