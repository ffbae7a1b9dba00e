"""Texts the system writes into the database, stored as a code and values, worded when shown.

Why a charge landed where it did ("prepaid block BB/2026/001, oldest with hours
left") and the notes the system adds to a job's status history ("assigned to
Anna Kamińska") are read later, by people who may speak another language than
the session that wrote them, and on client documents that are always Polish.
So the database keeps the message's code and its values as a small JSON object,
``{"bb:msg":"charge.block","n":"BB/2026/001"}``, and :func:`shown` words it in
the reader's language. Anything else (older rows written as words, notes typed
by people) is shown literally, as ``docs/stored-text.md`` asks.
"""

from __future__ import annotations

import json

from bbdispatch.i18n import N_, _, gettext_in

MARK = "bb:msg"
"""The key that makes a stored JSON object a message of :data:`MESSAGES`."""

MESSAGES: dict[str, str] = {
    "charge.recurring": N_("recurring task of {n}"),
    "charge.chosen": N_("chosen by dispatcher: {n}"),
    "charge.network": N_("network work: {n}"),
    "charge.agreed_price": N_("agreed price"),
    "charge.agreed_rate": N_("agreed rate"),
    "charge.continued": N_("continued on next block {n}"),
    "charge.block": N_("prepaid block {n}, oldest with hours left"),
    "charge.uncovered": N_("no contract hours left: uncovered, offer a contract"),
    "charge.moved": N_("moved from uncovered onto {n} by {who}"),
    "status.assigned": N_("assigned to {name}"),
    "status.handed_over": N_("handed over to {name}"),
    "status.run_documented": N_("Run documented"),
    "call.closed_without_job": N_("Closed without a job"),
    "call.closed_without_job_typed": N_("Closed without a job: {text}"),
}
"""Every message the system stores, by code, in English (the catalogue has the Polish)."""


def stored(code: str, **values: str | int) -> str:
    """The text to store for message ``code`` with its ``values`` (JSON, one line).

    Raises:
        KeyError: ``code`` is not one of :data:`MESSAGES`.
    """
    MESSAGES[code]  # noqa: B018 - fail at the writer, not at a reader years later
    return json.dumps({MARK: code, **values}, ensure_ascii=False, separators=(",", ":"))


def shown(text: str, language: str | None = None) -> str:
    """A stored text in words: a message in ``language`` (default: the session's), else as is."""
    if not text.startswith("{") or MARK not in text:
        return text
    try:
        values = json.loads(text)
        template = MESSAGES[values.pop(MARK)]
        words = gettext_in(language, template) if language else _(template)
        return words.format(**values)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return text
