"""The scaffolding every form dialog shares: a framed box in the middle, Esc to leave."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.containers import HorizontalScroll, ScrollableContainer, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Select, TextArea
from textual.widgets._toggle_button import ToggleButton

from bbdispatch.i18n import _
from screens.base import BBModal, ResultT, confirm_then
from screens.widgets.client_form import KindToggle
from screens.widgets.confirm import ConfirmScreen

FIELDS = "Input, TextArea, Select, ToggleButton, KindToggle"
"""Every kind of widget a person types or chooses a value in."""


def field_value(widget: Widget) -> object:
    """What one field holds now (text, choice, tick or kind)."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        return widget.value
    if isinstance(widget, ToggleButton):
        return widget.value
    if isinstance(widget, KindToggle):
        return widget.kind
    return None


_SCROLL_BOXES = (ScrollableContainer, VerticalScroll, HorizontalScroll)
"""Containers that only scroll other widgets: never a focus stop in a dialog."""


class FormDialog(BBModal[ResultT]):
    """A form over the current screen that can always be left, never by accident.

    Every dialog with fields frames them the same way and closes them the same
    way; here it is once. A subclass yields one ``Vertical`` or
    ``VerticalScroll`` box (its width and extras stay in its own DEFAULT_CSS),
    binds Esc to the ``cancel`` action and passes the result that means
    "nothing saved". Esc closes at once when nothing was typed or chosen;
    otherwise it asks "Discard changes?" first, as the intake does. What the
    fields hold when the dialog has mounted is the baseline; a dialog that
    fills fields later (a worker loading data) calls :meth:`mark_clean` for
    them once filled.

    Such a dialog also sets :attr:`LOADS_VALUES`: until its worker calls
    :meth:`mark_loaded`, its save actions are disabled (the key does nothing
    but say so, the save button is greyed) and :meth:`still_loading` tells its
    own save paths (Enter in a field, a button) to wait. Under load a dialog
    used to sit at "Loading…" with its defaults for seconds, and Ctrl+S saved
    those defaults (a failed backup check logged "OK").
    """

    LOADS_VALUES: ClassVar[bool] = False
    """Whether a worker fills the fields after mount (then nothing saves before it did)."""

    SAVE_ACTIONS: ClassVar[frozenset[str]] = frozenset({"save", "sign"})
    """The actions that write what the fields hold."""

    SAVE_BUTTONS = "#save, #sign"
    """The buttons that write what the fields hold (greyed while loading)."""

    DEFAULT_CSS = """
    FormDialog {
        align: center middle;
        & > Vertical, & > VerticalScroll {
            height: auto;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
    }
    """

    AUTO_FOCUS = "Input, TextArea, Select, ToggleButton, OptionList, KindToggle, Button"
    """The first field takes the first key: a framed box around a scroll container
    would otherwise focus the container, and the first key typed was lost."""

    def __init__(self, cancelled: ResultT) -> None:
        super().__init__()
        self._cancelled = cancelled
        self._baseline: dict[int, object] = {}
        """What each field held before the person changed anything, by widget id()."""
        self._loaded = not self.LOADS_VALUES
        """Whether the fields hold what was loaded (always, for a dialog that loads nothing)."""

    def on_mount(self) -> None:
        """Take the baseline (after the subclass's own ``on_mount`` filled its fields).

        The dialog's scroll boxes are no focus stops: a box shows no focus, so
        Tab landed on nothing visible and the next key typed was lost. They
        still scroll to the field that has the focus.
        """
        for box in self.query(ScrollableContainer):
            if type(box) in _SCROLL_BOXES:  # not fields that scroll (inputs, lists, tables)
                box.can_focus = False
        if not self._loaded:
            for button in self.query(self.SAVE_BUTTONS):
                button.disabled = True
        self.mark_clean()

    def mark_loaded(self, *widgets: Widget) -> None:
        """The worker filled the given fields (default: all): unchanged; saving may start."""
        self._loaded = True
        for button in self.query(self.SAVE_BUTTONS):
            button.disabled = False
        self.mark_clean(*widgets)
        self.refresh_bindings()

    def still_loading(self) -> bool:
        """Whether the fields still wait for their values (then say so, and save nothing)."""
        if self._loaded:
            return False
        self.notify(_("Still loading; nothing saved yet."), severity="warning")
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Save actions are disabled until the fields hold what was loaded."""
        if action in self.SAVE_ACTIONS and not self._loaded:
            return None
        return super().check_action(action, parameters)

    def why_disabled(self, action: str) -> str | None:
        """Why a save key does nothing yet."""
        if action in self.SAVE_ACTIONS and not self._loaded:
            return _("Still loading; nothing saved yet.")
        return None

    def on_key(self, event: events.Key) -> None:
        """A save key pressed while loading says why nothing happens."""
        for binding in self._bindings.key_to_bindings.get(event.key, []):
            reason = self.why_disabled(binding.action)
            if reason:
                event.stop()
                self.notify(reason, severity="warning")
                return

    def mark_clean(self, *widgets: Widget) -> None:
        """Count what the given fields (default: all) hold now as unchanged."""
        for widget in widgets or tuple(self.query(FIELDS)):
            self._baseline[id(widget)] = field_value(widget)

    def is_dirty(self) -> bool:
        """Whether leaving would lose something typed or chosen here."""
        return any(
            self._baseline.get(id(widget), field_value(widget)) != field_value(widget)
            for widget in self.query(FIELDS)
        )

    def discard_question(self) -> str:
        """The question Esc asks when something was typed."""
        return _("Discard changes?")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without saving; with changes, ask first (like the intake)."""
        if not self.is_dirty():
            self.dismiss(self._cancelled)
            return
        question = ConfirmScreen(
            self.discard_question(), yes=_("yes, discard"), no=_("no, keep editing")
        )
        confirm_then(self, question, None, self._discard_if)  # nothing saved: no right

    def _discard_if(self, yes: bool | None) -> None:
        if yes:
            self.dismiss(self._cancelled)
