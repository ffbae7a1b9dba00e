"""The list to pick the caller from: several clients on one number, or search results."""

from __future__ import annotations

from bbdispatch.domain.clients import Client
from screens.widgets.caller_card import KIND_LABEL
from screens.widgets.pick_list import PickList
from screens.widgets.plain import plain_option


class ClientPickList(PickList):
    """One line per client (name, kind, contact, town); the option id is the client id."""

    DEFAULT_CSS = """
    ClientPickList {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def show_clients(self, clients: list[Client]) -> None:
        """Replace the options and highlight the first."""
        self.clear_options()
        for c in clients:
            detail = " · ".join(
                p for p in (KIND_LABEL[c.kind.value], c.contact_person, c.city) if p
            )
            self.add_option(plain_option(f"{c.name}  ({detail})", id=str(c.id)))
        self.highlighted = 0
