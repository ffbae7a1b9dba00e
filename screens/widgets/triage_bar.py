"""The triage bar: mode, priority and category chosen with one key each.

A known caller must become a triaged job in a handful of keystrokes, so the
bar takes single letters and digits instead of drop-downs: ``o``/``r`` for
on-site/remote, ``e``/``n``/``l`` for the priority, ``1``–``6`` for the
category, ``c`` for another contract and Enter to save.

Because its keys are letters, text meant for the request must never reach
it: the bar can be given the free-text field that comes first (``after``),
and while that field is empty the bar hands focus back to it and says so
(``NotReady``) instead of taking keys. A key that is not a triage key is
never taken silently either (``StrayKey``), and keys of a burst that arrive
after focus moved on go where focus is now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Focus, Key
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.i18n import N_, _
from screens.base import keyed
from screens.widgets.plain import plain
from screens.widgets.text_input import pass_on_if_focus_moved

MODE_KEYS: dict[str, tuple[JobMode, str]] = {
    "o": (JobMode.ONSITE, N_("on-site")),
    "r": (JobMode.REMOTE, N_("remote")),
}
PRIORITY_KEYS: dict[str, tuple[Priority, str]] = {
    "e": (Priority.EMERGENCY, N_("emergency")),
    "n": (Priority.NORMAL, N_("normal")),
    "l": (Priority.LOW, N_("low")),
}
CATEGORY_KEYS: dict[str, tuple[Category, str]] = {
    "1": (Category.HARDWARE, N_("hardware")),
    "2": (Category.SOFTWARE, N_("software")),
    "3": (Category.NETWORK, N_("network")),
    "4": (Category.BACKUP, N_("backup")),
    "5": (Category.TRAINING, N_("training")),
    "6": (Category.OTHER, N_("other")),
}


def _choice_bindings() -> list[Binding]:
    """One binding per triage key, made from the tables above (F1 and the palette list them).

    The keys are handled in :meth:`TriageBar.on_key` from the same tables, in
    the order they arrive; these bindings name them (their descriptions are the
    words the bar shows) and run the same choice when picked from the palette.
    They have no id: a keymap cannot move one key away from what the bar shows.
    """
    tables: list[tuple[Mapping[str, tuple[object, str]], str]] = [
        (MODE_KEYS, N_("Mode")),
        (PRIORITY_KEYS, N_("Priority")),
        (CATEGORY_KEYS, N_("Category")),
    ]
    return [
        Binding(key, f"choose('{key}')", label, tooltip=title, show=False)
        for keys, title in tables
        for key, (_value, label) in keys.items()
    ]


class TriageBar(Widget, can_focus=True):
    """Two lines of one-key choices for a job's mode, priority and category."""

    HELP = N_(
        "o on-site · r remote · e emergency · n normal · l low · "
        "1-6 category · c other contract · Enter save"
    )
    KEYS_TITLE = N_("Triage bar")
    """F1's and the palette's group for these keys (:mod:`screens.keys`)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        *_choice_bindings(),
        Binding(
            "enter", "submit", N_("Save job"), tooltip=N_("Save the job"), show=False,
            id="triage-save",
        ),
        # Off the footer: the contract line says ``(c: other)`` itself, and with
        # the intake's keys a footer key more would not fit 80 columns.
        Binding(
            "c", "cycle_contract", N_("Contract"), tooltip=N_("Choose another contract"),
            id="triage-contract", show=False,
        ),
    ]  # fmt: skip

    DEFAULT_CSS = """
    TriageBar {
        height: 2;
        padding: 0 1;
    }
    TriageBar:focus {
        background: $boost;
        border-left: outer $accent;
        padding-left: 0;
    }
    """

    mode: reactive[JobMode | None] = reactive(None)
    """On-site or remote; None until the dispatcher decides."""
    priority: reactive[Priority] = reactive(Priority.NORMAL)
    """Normal unless the dispatcher says otherwise."""
    category: reactive[Category | None] = reactive(None)
    """None until the dispatcher decides."""

    @dataclass
    class CategoryChanged(Message):
        """The category changed, so the suggested contract may change."""

        category: Category

    class ContractCycled(Message):
        """The dispatcher asked for the next contract choice."""

    class Submitted(Message):
        """Enter: save the job."""

    class Changed(Message):
        """A key changed the mode, the priority or the category."""

    class NotReady(Message):
        """Focus came while the request is empty; it went back to the request."""

    @dataclass
    class StrayKey(Message):
        """A printable key that is no triage key (text typed in the wrong place)."""

        character: str

    def __init__(self, *, after: str | None = None, id: str | None = None) -> None:
        """A bar that, given ``after`` (a selector), waits for that field to hold text."""
        super().__init__(id=id)
        self._after = after

    def on_focus(self, event: Focus) -> None:
        """Take focus only once the request has text; else hand it back to the request."""
        if self._after is None:
            return
        field = self.screen.query_one(self._after)
        value = getattr(field, "value", "")
        if not str(value).strip():
            self.screen.set_focus(field)
            self.post_message(self.NotReady())

    def render(self) -> Content:
        """Show every option with its key; the chosen ones highlighted."""
        mode = self._group(_("Mode"), MODE_KEYS, self.mode)
        prio = self._group(_("Prio"), PRIORITY_KEYS, self.priority)
        cat = self._group(_("Cat"), CATEGORY_KEYS, self.category)
        return Content.assemble(mode, "  ", prio, "\n", cat)

    @staticmethod
    def _group(title: str, keys: Mapping[str, tuple[object, str]], chosen: object) -> Content:
        parts: list[Content | str] = [plain(f"{title}:", "bold")]
        shown = keyed([(key, _(english)) for key, (_value, english) in keys.items()])
        for (value, _english), label in zip(keys.values(), shown, strict=True):
            text = " " + label
            style = "reverse $accent" if value == chosen else "$text-muted"
            parts.append(plain(text, style))
        return Content.assemble(*parts)

    def on_key(self, event: Key) -> None:
        """Letters and digits pick options; everything else goes on to the bindings."""
        if pass_on_if_focus_moved(self, event):
            return
        key = event.key
        if self._choose(key):
            event.stop()
            event.prevent_default()
        elif event.is_printable and key not in self._bindings.key_to_bindings:
            assert event.character is not None
            self.post_message(self.StrayKey(event.character))
            event.stop()

    def _choose(self, key: str) -> bool:
        """Pick the option of ``key``; False when it is no option key."""
        if key in MODE_KEYS:
            self.mode = MODE_KEYS[key][0]
        elif key in PRIORITY_KEYS:
            self.priority = PRIORITY_KEYS[key][0]
        elif key in CATEGORY_KEYS:
            self.category = CATEGORY_KEYS[key][0]
            self.post_message(self.CategoryChanged(self.category))
        else:
            return False
        self.post_message(self.Changed())
        return True

    def action_choose(self, key: str) -> None:
        """Pick the option of ``key`` (from the palette; typed keys go through ``on_key``)."""
        self._choose(key)

    def action_submit(self) -> None:
        """Ask the screen to save."""
        self.post_message(self.Submitted())

    def action_cycle_contract(self) -> None:
        """Ask the screen for the next contract."""
        self.post_message(self.ContractCycled())
