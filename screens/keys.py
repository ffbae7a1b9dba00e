"""Every key of a screen, grouped by purpose: what F1 lists and the palette offers.

F1 and the palette read the same list, made from the real bindings (after any
keymap) of the screen, of our widgets on it (the intake's triage bar) and of
the App, so what they show cannot drift from what the keys do. An action the
screen hides (``check_action`` returns False, e.g. New call in a technician's
workspace) is left out; one that is only unavailable now (None) stays listed.
Textual's own widget keys (a table's cursor, a field's editing keys) are not
actions of ours and are left out too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from bbdispatch.i18n import N_, _
from screens.shell import in_technician_workspace

OUR_PACKAGES = ("screens", "bbdispatch")
"""Modules whose classes declare our actions; Textual's own bindings are not listed."""

SCREEN_GROUP = N_("On this screen")
"""The group of a screen's key that its ``KEY_GROUPS`` does not place."""

APP_GROUP = N_("Everywhere")
"""The group of the App's keys (help, palette, quit, new call)."""

TECHNICIAN_TOOLTIPS = {
    "quit": N_("Close bbdispatch (a running timer keeps running)"),
    "help": N_("Keys and how your time is recorded"),
}
"""What the App's keys do in a technician's workspace, by binding id.

The App's own tooltips speak of the dispatcher's desk (a call being taken);
a technician takes no calls, and their timer is what quitting must not lose.
"""


@dataclass(frozen=True)
class KeyAction:
    """One action with its key, as F1 lists it and the palette offers it."""

    group: str
    """What the key is for, translated (``The selected job``, ``Triage``, ``Everywhere``)."""
    key: str
    """The key as bound (``ctrl+s``), after the keymap."""
    display: str
    """The keys as the footer shows them (``^s``; ``t / y`` when two keys do it)."""
    description: str
    """The action's short name, translated as the footer shows it."""
    tooltip: str
    """What the action does, translated; may be empty."""
    node: DOMNode
    """Where the action runs: the screen, one of its widgets or the App."""
    action: str
    """The action string (``set_status('done')``)."""
    widget: bool
    """Whether the key belongs to a widget (it works while that widget has focus)."""


def _own_actions(node: DOMNode) -> set[str]:
    """Actions declared in ``BINDINGS`` by the node's classes from our packages."""
    actions: set[str] = set()
    for cls in type(node).__mro__:
        if cls.__module__.split(".")[0] not in OUR_PACKAGES:
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                actions.add(binding.action)
    return actions


def _bindings(node: DOMNode) -> list[list[Binding]]:
    """The node's bindings as bound now (keymap applied), one list per action and name.

    Keys that do the same under the same translated name are one entry with
    all its keys: a Polish yes/no dialog's ``t`` (tak) and ``y`` are both *Tak*,
    and an entry of ``y`` alone told a Polish dispatcher to press an English
    word's key. In binding order, so the screen decides which key comes first.
    """
    found: dict[tuple[str, str], list[Binding]] = {}
    for bindings in node._bindings.key_to_bindings.values():
        for binding in bindings:
            if binding.description:
                found.setdefault((binding.action, _(binding.description)), []).append(binding)
    return list(found.values())


def screen_keys(screen: Screen[Any]) -> list[KeyAction]:
    """The actions of ``screen``, of our widgets on it and of the App, grouped, in order.

    Groups come in this order: the screen's own (by its ``KEY_GROUPS``, a
    mapping of binding id to an ``N_`` title; the rest under "On this screen"),
    its widgets' (each under the widget's ``KEYS_TITLE``), then the App's
    ("Everywhere"). Texts are translated.
    """
    app: App[Any] = screen.app
    groups: dict[str, str] = getattr(screen, "KEY_GROUPS", {})
    widgets = [w for w in screen.query("*") if getattr(type(w), "KEYS_TITLE", None)]
    entries: list[KeyAction] = []
    sources: list[tuple[DOMNode, str | None, bool]] = [(screen, None, False)]
    sources += [(w, str(type(w).KEYS_TITLE), True) for w in widgets]  # type: ignore[attr-defined]
    sources.append((app, APP_GROUP, False))
    taken: set[str] = set()
    for node, title, widget in sources:
        own = _own_actions(node) | ({"command_palette"} if node is app else set())
        for keys in _bindings(node):
            binding = keys[0]
            if binding.action not in own:
                continue  # Textual's own keys: Tab, copy, a table's cursor
            if app._check_action_state(binding.action, node) is False:
                continue  # hidden here (a technician has no intake)
            keys = [k for k in keys if not (node is app and k.key in taken)]
            if not keys:
                continue  # the screen binds it itself (the board's own F2)
            binding = keys[0]
            if not widget:
                taken.update(k.key for k in keys)
            group = title or groups.get(binding.id or "", SCREEN_GROUP)
            tooltip = binding.tooltip
            if node is app and in_technician_workspace(app):
                tooltip = TECHNICIAN_TOOLTIPS.get(binding.id or "", tooltip)
            entries.append(
                KeyAction(
                    group=_(group),
                    key=binding.key,
                    display=" / ".join(app.get_key_display(k) for k in keys),
                    description=_(binding.description),
                    tooltip=_(tooltip) if tooltip else "",
                    node=node,
                    action=binding.action,
                    widget=widget,
                )
            )
    order = list(dict.fromkeys(e.group for e in entries))
    return sorted(entries, key=lambda e: order.index(e.group))
