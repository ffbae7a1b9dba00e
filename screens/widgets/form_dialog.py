"""The scaffolding every form dialog shares: a framed box in the middle, Esc to leave."""

from __future__ import annotations

from textual import on
from textual.widgets import Button

from screens.base import BBModal, ResultT


class FormDialog(BBModal[ResultT]):
    """A form over the current screen that can always be left without saving.

    Eight dialogs framed their form the same way and closed it the same way;
    here it is once. A subclass yields one ``Vertical`` or ``VerticalScroll``
    box (its width and extras stay in its own DEFAULT_CSS), binds Esc to the
    ``cancel`` action and passes the result that means "nothing saved".
    """

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

    def __init__(self, cancelled: ResultT) -> None:
        super().__init__()
        self._cancelled = cancelled

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(self._cancelled)
