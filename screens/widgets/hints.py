"""Examples in field placeholders, written the way the session writes dates."""

from __future__ import annotations

from datetime import date

from bbdispatch.formats import format_day_month
from bbdispatch.i18n import _


def when_hint() -> str:
    """A callback time's placeholder: ``when: 14:30 or 25/11 9:00`` (``25.11`` in Polish)."""
    example = format_day_month(date(2026, 11, 25)) + " 9:00"
    return _("when: 14:30 or {example}").format(example=example)
