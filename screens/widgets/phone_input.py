"""A number field that formats as you type (phonenumbers' as-you-type formatter)."""

from __future__ import annotations

from bbdispatch.phones import format_as_you_type
from screens.widgets.text_input import TextInput

PHONE_CHARS = frozenset("0123456789+ -()/.")
"""What a typed phone number may contain; anything else is left exactly as typed."""


class PhoneInput(TextInput):
    """Formats the number on each keystroke, synchronously, so fast typing loses nothing.

    Only text typed at the end is reformatted; a number being edited in the
    middle, or text that is not a number, stays exactly as typed.
    """

    def insert_text_at_cursor(self, text: str) -> None:
        """Insert, then reformat the whole number when a digit is typed at its end.

        A separator typed after the number (the space before ``wew. 12``) is
        kept: the formatter would drop it, and the extension typed next would
        stick to the number (``22 628 12 34wew. 12``).
        """
        at_end = self.cursor_position == len(self.value)
        super().insert_text_at_cursor(text)
        value = self.value
        if not at_end or not value or not set(value) <= PHONE_CHARS:
            return
        if not any(c.isdigit() or c == "+" for c in text):
            return
        formatted = format_as_you_type(value)
        if formatted and formatted != value:
            self.value = formatted
            self.cursor_position = len(formatted)
