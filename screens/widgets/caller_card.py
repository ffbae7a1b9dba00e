"""The caller's card: who is calling, what they have, what is open."""

from __future__ import annotations

from datetime import date

from textual.content import Content

from bbdispatch.clock import local
from bbdispatch.domain.contracts import ContractStatus, balance_text
from bbdispatch.domain.ledger import usable_on
from bbdispatch.formats import format_day_month
from bbdispatch.i18n import N_, NP_, Labels, _
from bbdispatch.phones import format_for_display
from bbdispatch.services.intake import CallerCard
from bbdispatch.text import cell_width
from screens.widgets.plain import Plain, one_line, plain

KIND_LABEL = Labels({"company": N_("company"), "private": N_("private person")})
STATUS_LABEL = Labels(
    {
        "prospect": NP_("client", "prospect"),
        "active": NP_("client", "active"),
        "archived": NP_("client", "archived"),
    },
    context="client",
)
JOB_STATUS = Labels({
    "new": N_("new"), "triaged": N_("triaged"), "assigned": N_("assigned"),
    "in_progress": N_("in progress"), "on_hold": N_("on hold"), "done": N_("done"),
    "cancelled": N_("cancelled"),
})  # fmt: skip


def card_content(
    card: CallerCard, today: date, warn_percent: int, width: int | None = None
) -> Content:
    """The card as styled lines: name, contact, contracts, open and last jobs, notes.

    A contract's balance is the card's answer to "may we work on it", so it is
    never cut: the product by its short name (``Serwisowa``), and a line still
    wider than ``width`` cells (the card's room; None: no limit) goes on under
    itself, indented, keeping its hours left and its ⚠ mark.
    Stored texts (descriptions, notes) stay on one line, cut at the edge.
    """
    c = card.client
    lines: list[Content] = [
        Content.assemble(
            plain(one_line(c.name), "bold"),
            plain(f"  {KIND_LABEL[c.kind.value]} · {STATUS_LABEL[c.status.value]}", "$text-muted"),
        )
    ]
    if c.status.value == "archived":
        lines.append(
            plain(_("Archived: ^r reactivates the client; a job needs an active one."), "$warning")
        )
    phones = ", ".join(format_for_display(p.e164) for p in c.phones)
    contact = " · ".join(p for p in (c.contact_person, phones) if p)
    lines.append(plain(one_line(_("Contact: {who}").format(who=contact or "—"))))
    shown = [
        b for b in card.balances
        if usable_on(b.contract, today) and b.contract.status is not ContractStatus.CLOSED
    ]  # fmt: skip
    if not shown:
        lines.append(plain(_("No active contract."), "$warning"))
    for b in shown:
        level = b.warning_level(warn_percent)
        style = {0: "", 1: "$warning", 2: "bold $error"}[level]
        for part in _wrapped(one_line(balance_text(b, warn_percent, short=True)), width):
            lines.append(plain(part, style))
    for row in card.open_jobs[:3]:
        j = row.job
        lines.append(
            plain(
                one_line(
                    _("Open #{no} {status}: {text}").format(
                        no=j.number, status=JOB_STATUS[j.status.value], text=j.description
                    )
                ),
                "$accent",
            )
        )
    if len(card.open_jobs) > 3:
        lines.append(plain(_("… {n} more open").format(n=len(card.open_jobs) - 3)))
    for row in card.last_jobs:
        j = row.job
        lines.append(
            plain(
                one_line(
                    _("Last #{no} {day}: {text}").format(
                        no=j.number,
                        day=format_day_month(local(j.received_at).date()),
                        text=j.description,
                    )
                ),
                "$text-muted",
            )
        )
    if c.notes:
        lines.append(plain(one_line(_("Notes: {text}").format(text=c.notes))))
    return Content("\n").join(lines)


def _wrapped(text: str, width: int | None) -> list[str]:
    """``text`` in lines of at most ``width`` cells, the later ones indented by two."""
    if width is None or width < 20 or cell_width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and cell_width(candidate) > width:
            lines.append(line)
            line = "  " + word
        else:
            line = candidate
    return [*lines, line]


class CallerCardView(Plain):
    """Shows a :class:`CallerCard`, or a prompt while nobody is matched."""

    DEFAULT_CSS = """
    CallerCardView {
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    _shown: tuple[CallerCard, date, int] | None = None
    """The card on show (redrawn to the new width when the terminal is resized)."""

    def show_card(self, card: CallerCard, today: date, warn_percent: int) -> None:
        """Fill the card, its balances wrapped to the card's width."""
        self._shown = (card, today, warn_percent)
        room = self.content_region.width or None
        self.update(card_content(card, today, warn_percent, room))

    def on_resize(self) -> None:
        """Wrap the balances again to the new width."""
        if self._shown is not None:
            self.show_card(*self._shown)

    def show_text(self, text: str) -> None:
        """Show a prompt or a note instead of a card."""
        self._shown = None
        self.update(plain(text, "$text-muted"))
