"""Letting go of removed widgets that Textual's watchers still hold.

``watch(other, "attr", callback)`` and ``data_bind`` store the pair
``(watching node, callback)`` on the *watched* object (``other.__watchers``).
Textual drops the pairs of closed nodes only when that attribute changes
again (``Reactive._check_watchers``; upstream issue Textualize/textual#6666).
An attribute that never changes keeps every removed watcher, and with it the
removed widget, its styles and its cached renders, for the life of the
process. Two long-lived objects are watched so in every session:

- the footer: each ``FooterKey`` binds ``compact`` of its ``Footer``, and the
  footer recomposes all its keys whenever the bindings change (each reload of
  a technician's list did), so each rebuild kept its old keys;
- the App: each ``Header`` watches the App's ``title`` and ``sub_title`` (and
  each ``TextArea`` its ``theme``), so every screen or dialog opened and
  closed stayed alive with all its widgets.

:func:`drop_closed_watchers` applies Textual's own rule (a closing node's
watchers go) at the moments nodes are discarded instead of waiting for a
change that may never come.
"""

from __future__ import annotations

from textual.dom import DOMNode

WATCHERS_ATTRIBUTE = "__watchers"
"""Where Textual 8.2 keeps an object's watchers (``textual.reactive._watch``)."""


def drop_closed_watchers(watched: DOMNode) -> int:
    """Forget the watchers that closed (removed) nodes registered on ``watched``.

    Args:
        watched: a long-lived node others watch (the App, a footer).

    Returns:
        How many watchers were dropped (0 when none were stale, or when
        ``watched`` has never been watched).
    """
    watchers: dict[str, list[tuple[DOMNode, object]]] = getattr(watched, WATCHERS_ATTRIBUTE, {})
    dropped = 0
    for entries in watchers.values():
        live = [(node, callback) for node, callback in entries if not node._closing]
        dropped += len(entries) - len(live)
        entries[:] = live
    return dropped
