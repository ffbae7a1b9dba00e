"""A PLACEHOLDER intake screen, used only while ``screens.intake`` does not exist.

It does what the intake's typing path will do per keystroke: format the number
as you type, look the caller up once the number is complete (in a worker, via
``services.clients.clients_by_phone``), and take a free-text description. The
benchmark labels figures measured on it as placeholder figures.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Footer, Header, Input, Static

from bbdispatch.phones import digits_of, format_as_you_type, try_parse_phone
from bbdispatch.services.clients import clients_by_phone
from screens.base import BBScreen


class IntakeStandIn(BBScreen[None]):
    """Number, caller and description: the typing path of a phone intake."""

    def compose(self) -> ComposeResult:
        """Header, number, caller line, description, footer."""
        yield Header()
        yield Input(placeholder="Number", id="phone")
        yield Static("", id="caller")
        yield Input(placeholder="Description", id="description")
        yield Footer()

    def on_mount(self) -> None:
        """Start at the number."""
        self.query_one("#phone", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Format the number as it is typed and look the caller up when complete."""
        if event.input.id != "phone":
            return
        formatted = format_as_you_type(event.value)
        if formatted and formatted != event.value:
            with event.input.prevent(Input.Changed):
                event.input.value = formatted
                event.input.cursor_position = len(formatted)
        if len(digits_of(event.value)) >= 9:
            self.look_up(event.value)

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def look_up(self, raw: str) -> None:
        """Show who is calling."""
        e164 = try_parse_phone(raw)
        found = await clients_by_phone(self.ctx, e164) if e164 else []
        text = ", ".join(c.name for c in found) or "new caller"
        self.query_one("#caller", Static).update(text)
