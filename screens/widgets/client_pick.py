"""The list to pick the caller from: several clients on one number, or search results."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from bbdispatch.domain.clients import Client
from screens.widgets.caller_card import KIND_LABEL


class ClientPickList(OptionList):
    """One line per client (name, kind, contact, town); the option id is the client id."""

    def show_clients(self, clients: list[Client]) -> None:
        """Replace the options and highlight the first."""
        self.clear_options()
        for c in clients:
            detail = " · ".join(
                p for p in (KIND_LABEL[c.kind.value], c.contact_person, c.city) if p
            )
            self.add_option(Option(f"{c.name}  ({detail})", id=str(c.id)))
        self.highlighted = 0
