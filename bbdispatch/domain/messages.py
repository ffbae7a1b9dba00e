"""Texts the system writes into the database, stored as a code and values, worded when shown.

Why a charge landed where it did ("prepaid block BB/2026/001, oldest with hours
left") and the notes the system adds to a job's status history ("assigned to
Anna Kamińska") are read later, by people who may speak another language than
the session that wrote them, and on client documents that are always Polish.
So the database keeps the message's code and its values as a small JSON object,
``{"bb:msg":"charge.block","n":"BB/2026/001"}``, and :func:`shown` words it in
the reader's language. Rows stored before that, written as words in English
or Polish ("assigned to Anna Kamińska", "przypisano: …"), are recognised by
the same templates and worded in the reader's language too, so a firm that
switched language does not read its history in the old one. Anything else
(notes typed by people) is shown literally, as ``docs/stored-text.md`` asks.
"""

from __future__ import annotations

import json
import re
from functools import cache

from bbdispatch.domain.people import actor_text
from bbdispatch.i18n import LANGUAGES, N_, _, gettext_in

MARK = "bb:msg"
"""The key that makes a stored JSON object a message of :data:`MESSAGES`."""

LITERAL = "bb:text"
"""The key of a person's text stored so that it is never read as a message (:func:`typed`)."""

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
    "backup.too_old": N_("the last good backup is {days} days old (limit {limit})"),
    "status.assigned": N_("assigned to {name}"),
    "status.handed_over": N_("handed over to {name}"),
    "status.run_documented": N_("Run documented"),
    "call.closed_without_job": N_("Closed without a job"),
    "call.closed_without_job_typed": N_("Closed without a job: {text}"),
    "call.being_taken": N_("Being taken by hand (F2)"),
    "call.being_taken_typed": N_("Being taken by hand (F2): {text}"),
    "call.being_taken_by": N_("Being taken by {who}"),
    "call.interrupted": N_("Interrupted: the session ended before the call was saved"),
    "call.interrupted_typed": N_(
        "Interrupted: the session ended before the call was saved: {text}"
    ),
    "callback.no_answer": N_("No answer"),
    "callback.no_answer_typed": N_("No answer: {text}"),
    "callback.called_off": N_("Called off"),
    "callback.called_off_typed": N_("Called off: {text}"),
}
"""Every message the system stores, by code, in English (the catalogue has the Polish)."""


def stored(code: str, **values: str | int) -> str:
    """The text to store for message ``code`` with its ``values`` (JSON, one line).

    Raises:
        KeyError: ``code`` is not one of :data:`MESSAGES`.
    """
    MESSAGES[code]  # noqa: B018 - fail at the writer, not at a reader years later
    return json.dumps({MARK: code, **values}, ensure_ascii=False, separators=(",", ":"))


def stored_code(text: str) -> tuple[str, dict[str, object]] | None:
    """The code and values of a text :func:`stored` wrote; None for any other text."""
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get(MARK), str):
        return None
    code = data.pop(MARK)
    return code, data


def typed(text: str) -> str:
    """The text to store for ``text`` a person typed, in a column that also holds messages.

    Call notes, job status-change reasons and the like share their column
    with what :func:`stored` writes, so a note typed as
    ``{"bb:msg":"call.interrupted_typed","text":"SPOOF"}`` (or as an older
    message's words, "assigned to Anna") would be read as the system's. Such
    a text is stored wrapped, ``{"bb:text":"..."}``, which :func:`shown` gives
    back exactly as typed; any other text is stored as it is. Every writer of
    person-typed text into those columns goes through this.
    """
    posing = text.startswith("{") and (MARK in text or LITERAL in text)
    if posing or any(shown(text, language) != text for language in LANGUAGES):
        return json.dumps({LITERAL: text}, ensure_ascii=False, separators=(",", ":"))
    return text


def _literal(text: str) -> str | None:
    """The person's text :func:`typed` wrapped in ``text``; None when it is not one."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and len(data) == 1 and isinstance(data.get(LITERAL), str):
        return str(data[LITERAL])
    return None


def shown(text: str, language: str | None = None) -> str:
    """A stored text in words: a message in ``language`` (default: the session's), else as is.

    A message stored as words by an older version (in any of the languages)
    is worded again in ``language``; other text is returned unchanged.
    """
    if text.startswith("{") and LITERAL in text:
        literal = _literal(text)
        if literal is not None:
            return literal
    if not text.startswith("{") or MARK not in text:
        return _reworded(text, language)
    try:
        values = json.loads(text)
        if isinstance(values.get("who"), str):  # a login, or "root as anna": its "as" in words
            values["who"] = actor_text(values["who"], language)
        return _words(values.pop(MARK), language).format(**values)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return text


PARTS = " · "
"""How the system joins its own sentence and a person's note in one stored text."""


def shown_parts(text: str, language: str | None = None) -> str:
    """:func:`shown` for a stored text of parts joined by :data:`PARTS`, part by part.

    A backup check's note is the system's sentence ("the last good backup is
    61 days old (limit 7)", worded in the language of the session that
    recorded it) and the technician's note; a client's Polish document words
    the first in Polish and keeps the note as typed.
    """
    return PARTS.join(shown(part, language) for part in text.split(PARTS))


def _words(code: str, language: str | None) -> str:
    template = MESSAGES[code]
    return gettext_in(language, template) if language else _(template)


@cache
def _old_forms() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each message as older versions stored it, in every language: (pattern, code)."""
    forms: list[tuple[re.Pattern[str], str]] = []
    for code, template in MESSAGES.items():
        for language in LANGUAGES:
            escaped = re.escape(gettext_in(language, template))
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", escaped)
            forms.append((re.compile(pattern, re.DOTALL), code))
    return tuple(forms)


def _reworded(text: str, language: str | None) -> str:
    """``text`` in ``language`` when it is a message stored as words, else ``text``."""
    for pattern, code in _old_forms():
        found = pattern.fullmatch(text)
        if found is not None:
            try:
                return _words(code, language).format(**found.groupdict())
            except (KeyError, IndexError, ValueError):
                return text
    return text
