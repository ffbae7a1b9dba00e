"""The interrupted-import message counts the Polish way (1 klienta, 2 czekają, 5 czeka)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bbdispatch.services.import_clients import Interrupted

STARTED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("added", "left", "expected"),
    [
        (1, 1, "dodano 1 klienta, 1 jeszcze czeka"),
        (2, 3, "dodano 2 klientów, 3 jeszcze czekają"),
        (12, 22, "dodano 12 klientów, 22 jeszcze czekają"),
        (5, 12, "dodano 5 klientów, 12 jeszcze czeka"),
    ],
)
def test_counts_in_polish(polish: None, added: int, left: int, expected: str) -> None:
    message = Interrupted(1, "big.csv", STARTED, added, left).describe()
    assert expected in message
    assert "30.11.2026 10:00" in message  # the date as the language writes it


def test_counts_in_english() -> None:
    message = Interrupted(1, "big.csv", STARTED, 1, 28).describe()
    assert "1 client added, 28 not yet" in message
