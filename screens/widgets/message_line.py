"""A line that takes no room while it has nothing to say (errors, hints)."""

from __future__ import annotations

from textual.visual import VisualType

from screens.widgets.plain import Plain


class MessageLine(Plain):
    """A Static shown only when it holds text, so an 80x24 form keeps its rows."""

    def on_mount(self) -> None:
        """Start hidden when empty."""
        self.display = bool(str(self.content))

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show the text, or hide the line when the text is empty."""
        super().update(content, layout=layout)
        self.display = bool(str(content))
