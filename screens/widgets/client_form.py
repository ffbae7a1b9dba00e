"""The short new-client form filled in while the caller is on the line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind, ClientStatus
from bbdispatch.i18n import _
from screens.base import keyed
from screens.widgets.message_line import MessageLine
from screens.widgets.phone_input import PhoneInput
from screens.widgets.plain import Plain, PlainLabel, plain
from screens.widgets.text_input import TextInput

FIELDS = ("name", "contact", "phone", "nip", "street", "postal", "city", "email")
"""Input ids (``nc-<field>``) in focus order."""


class KindToggle(Plain, can_focus=True):
    """Company or private person: ``c`` or ``p`` (space flips)."""

    kind: reactive[ClientKind] = reactive(ClientKind.COMPANY)
    """The chosen kind."""

    class Changed(Message):
        """The kind changed (the contract hint depends on it)."""

    def watch_kind(self) -> None:
        """Tell the screen."""
        self.post_message(self.Changed())

    def render(self) -> Content:
        """``(•) [c]ompany  ( ) [p]rivate`` (``(•) c:firma  ( ) p:prywatny``), no markup."""
        company = "•" if self.kind is ClientKind.COMPANY else " "
        private = "•" if self.kind is ClientKind.PRIVATE else " "
        shown = keyed([("c", _("company")), ("p", _("private"))])
        return plain(f"({company}) {shown[0]}  ({private}) {shown[1]}")

    def on_key(self, event: Key) -> None:
        """``c``/``p`` choose, space flips."""
        if event.key == "c":
            self.kind = ClientKind.COMPANY
        elif event.key == "p":
            self.kind = ClientKind.PRIVATE
        elif event.key == "space":
            self.kind = (
                ClientKind.PRIVATE if self.kind is ClientKind.COMPANY else ClientKind.COMPANY
            )
        else:
            return
        event.stop()


class NewClientForm(Widget):
    """Kind, name, contact, phone, NIP, address and e-mail of a new prospect."""

    DEFAULT_CSS = """
    NewClientForm {
        height: auto;
    }
    NewClientForm Grid {
        grid-size: 4;
        grid-columns: 9 1fr 9 1fr;
        grid-rows: 1;
        grid-gutter: 0 1;
        height: auto;
    }
    NewClientForm Grid Label {
        color: $text-muted;
        width: 100%;
        text-align: right;
    }
    NewClientForm .nc-title {
        width: 12;
        text-align: right;
        text-style: bold;
    }
    NewClientForm #nc-kind-row {
        height: 1;
    }
    NewClientForm KindToggle {
        width: auto;
        padding: 0 1;
    }
    NewClientForm KindToggle:focus {
        background: $boost;
    }
    NewClientForm #nc-error {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        """Two columns of compact inputs under the kind toggle."""
        with Horizontal(id="nc-kind-row"):
            yield PlainLabel(_("New client") + ":", classes="nc-title")
            yield KindToggle(id="nc-kind")
        labels = {
            "name": _("Name"), "contact": _("Contact"), "phone": _("Phone"), "nip": _("NIP"),
            "street": _("Street"), "postal": _("Postcode"), "city": _("City"),
            "email": _("E-mail"),
        }  # fmt: skip
        with Grid():
            for field in FIELDS:
                yield PlainLabel(labels[field])
                kind = PhoneInput if field == "phone" else TextInput
                yield kind(id=f"nc-{field}", compact=True)
        yield MessageLine("", id="nc-error", classes="field-error")

    def value(self) -> NewClient:
        """What was typed, as a new prospect (validated by the service)."""
        text = {f: self.query_one(f"#nc-{f}", Input).value for f in FIELDS}
        kind = self.query_one(KindToggle).kind
        # A private person is their own contact; a company's contact is someone
        # in it, never the company's name.
        own = text["name"] if kind is ClientKind.PRIVATE else ""
        return NewClient(
            kind=kind,
            name=text["name"],
            nip=text["nip"] or None,
            street=text["street"],
            city=text["city"],
            postal_code=text["postal"],
            email=text["email"],
            contact_person=text["contact"] or own,
            status=ClientStatus.PROSPECT,
        )

    def phone_text(self) -> str:
        """The number typed in the form (prefilled from the call)."""
        return self.query_one("#nc-phone", Input).value

    def prefill(self, phone: str, name: str = "") -> None:
        """Put the caller's number (and a searched name) in, keeping what is typed."""
        phone_input = self.query_one("#nc-phone", Input)
        if not phone_input.value:
            phone_input.value = phone
        name_input = self.query_one("#nc-name", Input)
        if name and not name_input.value:
            name_input.value = name

    def is_dirty(self) -> bool:
        """Something was typed beyond the prefilled number."""
        return any(self.query_one(f"#nc-{f}", Input).value for f in FIELDS if f != "phone")

    def show_error(self, field: str, message: str) -> None:
        """Show a message under the form naming the field, and focus that field."""
        self.query_one("#nc-error", Static).update(message)
        target = {
            "name": "name", "nip": "nip", "email": "email", "phone": "phone",
            "postal_code": "postal", "street": "street", "city": "city",
            "contact_person": "contact",
        }.get(field)  # fmt: skip
        if target:
            self.query_one(f"#nc-{target}", Input).focus()

    def clear_error(self) -> None:
        """Remove the message after a fix."""
        self.query_one("#nc-error", Static).update("")
