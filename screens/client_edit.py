"""Editing a client: every field and the phones, checked like the intake's form.

Phones are one a line, ``number, label, contact person`` (label and contact
optional): ``22 628 12 34, sekretariat, Halina Nowak``.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, TextArea

from bbdispatch.domain.audit_text import field_names
from bbdispatch.domain.client_details import ClientDetails, PhoneLine
from bbdispatch.domain.clients import Client, ClientKind
from bbdispatch.domain.errors import FieldError
from bbdispatch.i18n import N_, _
from bbdispatch.phones import format_for_display
from bbdispatch.services.clients import edit_client
from bbdispatch.services.errors import USER_ERRORS
from screens.widgets.client_form import KindToggle
from screens.widgets.footer import KeysFooter
from screens.widgets.form_dialog import FormDialog
from screens.widgets.message_line import MessageLine
from screens.widgets.plain import Plain, PlainLabel
from screens.widgets.text_input import TextEditor, TextInput

FIELDS = ("name", "nip", "street", "postal_code", "city", "email", "contact_person")
"""Input ids (``ce-<field>``), in focus order; the names are the service's field names."""


def phones_text(client: Client) -> str:
    """A client's phones as the editor shows them, one a line."""
    rows = []
    for p in client.phones:
        parts = [format_for_display(p.e164), p.label, p.contact_person]
        while parts and not parts[-1]:
            parts.pop()
        rows.append(", ".join(parts))
    return "\n".join(rows)


def parse_phones(text: str) -> tuple[PhoneLine, ...]:
    """The editor's lines as phones (numbers are checked by the service)."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        number, label, contact = ([*line.split(",", 2), "", ""])[:3]
        found.append(PhoneLine(number.strip(), label.strip(), contact.strip()))
    return tuple(found)


class ClientEditScreen(FormDialog[bool]):
    """The whole client in one form; ctrl+s saves, Esc leaves (asking first if anything changed).

    A wrong field gets its message right under it and the focus; what was
    typed stays.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            N_("Cancel"),
            tooltip=N_("Close without saving (asks first if anything changed)"),
            id="cancel",
        ),  # fmt: skip
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Save the client"), id="save"),
        Binding(
            "ctrl+g",
            "main_phone",
            N_("Main number"),
            tooltip=N_("Make the phone under the cursor the main (first) number"),
            id="client-edit-main-phone",
        ),
    ]

    AUTO_FOCUS = "#ce-name"
    """The name, not the kind toggle above it: typing a name there would flip the kind."""

    DEFAULT_CSS = """
    ClientEditScreen > VerticalScroll {
        width: 76;
        max-width: 100%;
        max-height: 100%;
    }
    ClientEditScreen .ce-row {
        height: auto;
    }
    ClientEditScreen .ce-row Label {
        color: $text-muted;
        width: 10;
        text-align: right;
        padding-right: 1;
    }
    ClientEditScreen .ce-row Input {
        width: 1fr;
    }
    ClientEditScreen #ce-phones {
        height: 4;
    }
    ClientEditScreen #ce-notes {
        height: 3;
    }
    """

    def __init__(self, client: Client) -> None:
        super().__init__(cancelled=False)
        self.client = client
        """The client as loaded."""

    def compose(self) -> ComposeResult:
        """Kind, the fields, phones, notes, error line, button."""
        c = self.client
        values = {
            "name": c.name, "nip": c.nip or "", "street": c.street,
            "postal_code": c.postal_code, "city": c.city, "email": c.email,
            "contact_person": c.contact_person,
        }  # fmt: skip
        labels = {
            "name": _("Name"), "nip": _("NIP"), "street": _("Street"),
            "postal_code": _("Postcode"), "city": _("City"), "email": _("E-mail"),
            "contact_person": _("Contact"),
        }  # fmt: skip
        with VerticalScroll():
            yield PlainLabel(_("Edit client {id}").format(id=c.id))
            toggle = KindToggle(id="ce-kind")
            toggle.set_reactive(KindToggle.kind, c.kind)
            yield toggle
            # A row per field with its error line under it, the whole width: in a grid,
            # an error spanning both columns was sized for the label's column (a line
            # of error took six rows at 80x24, most of them blank).
            for field in FIELDS:
                with Horizontal(classes="ce-row"):
                    yield PlainLabel(labels[field])
                    yield TextInput(values[field], id=f"ce-{field}", compact=True)
                yield MessageLine("", id=f"ce-{field}-error", classes="field-error")
            yield PlainLabel(_("Phones: number, label, contact person (one a line; first: main)"))
            yield TextEditor(phones_text(c), id="ce-phones", soft_wrap=False)
            yield MessageLine("", id="ce-phones-error", classes="field-error")
            yield PlainLabel(_("Notes"))
            yield TextEditor(c.notes, id="ce-notes")
            yield MessageLine("", id="ce-notes-error", classes="field-error")
            yield Plain("", id="ce-error", classes="field-error")
            yield Button(_("Save"), id="ce-save", variant="primary")
        yield KeysFooter()

    def discard_question(self) -> str:
        """Esc's question names the client."""
        return _("Discard your changes to {name}?").format(name=self.client.name)

    def details(self) -> ClientDetails:
        """What the form holds (checked by the service)."""
        text = {f: self.query_one(f"#ce-{f}", Input).value for f in FIELDS}
        kind: ClientKind = self.query_one(KindToggle).kind
        return ClientDetails(
            kind=kind, name=text["name"], nip=text["nip"] or None, street=text["street"],
            city=text["city"], postal_code=text["postal_code"], email=text["email"],
            contact_person=text["contact_person"],
            notes=self.query_one("#ce-notes", TextArea).text,
            phones=parse_phones(self.query_one("#ce-phones", TextArea).text),
        )  # fmt: skip

    def action_main_phone(self) -> None:
        """Move the phone line under the cursor to the top: the first number is the main one."""
        editor = self.query_one("#ce-phones", TextArea)
        row = editor.cursor_location[0]
        lines = editor.text.split("\n")
        if self.focused is not editor or row >= len(lines) or not lines[row].strip():
            self.notify(
                _("Put the cursor on a number in Phones, then ^g makes it the main one."),
                severity="warning",
            )
            editor.focus()
            return
        if row > 0:
            editor.text = "\n".join([lines[row], *lines[:row], *lines[row + 1 :]])
        editor.move_cursor((0, 0))
        editor.focus()

    @on(Button.Pressed, "#ce-save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save through the service; a wrong field is named and focused, text kept."""
        self.save(self.details())

    def _clear_errors(self) -> None:
        for line in self.query(".field-error"):
            if isinstance(line, Plain):
                line.update("")

    @work(exclusive=True, group="client-edit", exit_on_error=False)
    async def save(self, details: ClientDetails) -> None:
        """Validate and save, audited; a wrong field gets the message under it."""
        self._clear_errors()
        try:
            changed = await edit_client(self.ctx, self.client.id, details)
        except FieldError as err:
            field = "phones" if err.field == "phone" else err.field
            place = self.query(f"#ce-{field}-error")
            line = place.first(Plain) if place else self.query_one("#ce-error", Plain)
            line.update(str(err))
            if self.query(f"#ce-{field}"):
                target = self.query_one(f"#ce-{field}")
                target.focus()
                target.scroll_visible()
                line.scroll_visible()
            return
        except USER_ERRORS as err:
            self.query_one("#ce-error", Plain).update(str(err))
            return
        self.notify(
            _("Saved: {fields}.").format(fields=field_names(changed) or _("nothing changed"))
        )
        self.dismiss(True)
