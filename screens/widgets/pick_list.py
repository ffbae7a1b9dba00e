"""A pick list whose cursor stops at the ends instead of wrapping around.

Textual's ``OptionList`` wraps: Down on the last enabled row jumps to the
first. In a list where Enter commits (assign a technician, pick the caller),
a few Downs too many then pick the top row without a word. Here Down on the
last enabled row stays put, so the highlighted row is always the one Enter
takes; disabled rows are skipped and carry their reason in their label.
"""

from __future__ import annotations

from screens.widgets.plain import PlainOptionList


class PickList(PlainOptionList):
    """A ``PlainOptionList`` that never wraps: Up on the first and Down on the last stay put."""

    def _step(self, direction: int) -> None:
        if self.highlighted is None:
            self.action_first() if direction > 0 else self.action_last()
            return
        index = self.highlighted + direction
        while 0 <= index < self.option_count:
            if not self.get_option_at_index(index).disabled:
                self.highlighted = index
                return
            index += direction

    def action_cursor_down(self) -> None:
        """Move to the next enabled row; stay on the last one."""
        self._step(1)

    def action_cursor_up(self) -> None:
        """Move to the previous enabled row; stay on the first one."""
        self._step(-1)
