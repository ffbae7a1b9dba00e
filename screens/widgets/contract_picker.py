"""The suggested contract with its reason, another one on request, and the offer hint."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from bbdispatch.domain.intake import ContractSuggestion, Offer, contract_label
from bbdispatch.i18n import _
from screens.widgets.message_line import MessageLine
from screens.widgets.plain import Plain


class ContractPicker(Widget):
    """Shows which contract a job goes on and why; ``cycle`` steps through the others."""

    DEFAULT_CSS = """
    ContractPicker {
        height: auto;
    }
    ContractPicker #contract-line {
        padding: 0 1;
        height: auto;
        max-height: 2;
    }
    ContractPicker #hint {
        color: $warning;
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._suggestion: ContractSuggestion | None = None
        self.contract_id: int | None = None
        """The contract the job will go on (None: uncovered or agreed rate)."""
        self.chosen_by_hand = False
        """The dispatcher overrode the suggestion; category changes keep the choice."""

    def compose(self) -> ComposeResult:
        """The contract line and the hint line."""
        yield Plain(_("Contract: (caller not known yet)"), id="contract-line")
        yield MessageLine("", id="hint")

    def clear(self) -> None:
        """Nobody is matched yet."""
        self._suggestion = None
        self.contract_id = None
        self.chosen_by_hand = False
        self.query_one("#contract-line", Static).update(_("Contract: (caller not known yet)"))
        self.query_one("#hint", Static).update("")

    def suggest(self, suggestion: ContractSuggestion, *, reset: bool = False) -> None:
        """Show a new suggestion (kept aside when the dispatcher chose by hand)."""
        if reset:
            self.chosen_by_hand = False
        self._suggestion = suggestion
        if not self.chosen_by_hand:
            self.contract_id = suggestion.contract_id
        self._show()
        hint = suggestion.hint
        if hint and suggestion.offer is not None:  # a contract to offer: ^t signs it
            hint = hint + " " + _("^t: sign")
        self.query_one("#hint", Static).update(hint)

    @property
    def offer(self) -> Offer | None:
        """What the hint offers the caller just now (the signing form starts on it)."""
        return self._suggestion.offer if self._suggestion is not None else None

    def _show(self) -> None:
        suggestion = self._suggestion
        if suggestion is None:
            return
        by_id = {c.id: c for c in suggestion.choices}
        chosen = by_id.get(self.contract_id) if self.contract_id else None
        name = contract_label(chosen) if chosen else _("none")
        reason = _("chosen by you") if self.chosen_by_hand else suggestion.reason
        more = "  " + _("(c: other)") if suggestion.choices else ""
        line = _("Contract: {name} — {reason}").format(name=name, reason=reason)
        self.query_one("#contract-line", Static).update(line + more)

    def cycle(self) -> bool:
        """Step to the next usable contract, then "none"; False when there is no choice."""
        if self._suggestion is None or not self._suggestion.choices:
            return False
        options: list[int | None] = [c.id for c in self._suggestion.choices] + [None]
        at = options.index(self.contract_id) if self.contract_id in options else -1
        self.contract_id = options[(at + 1) % len(options)]
        self.chosen_by_hand = True
        self._show()
        return True
