"""``bbdispatch clients``: list, show, add, edit and archive clients."""

from __future__ import annotations

import argparse
from typing import Any

from bbdispatch.clock import local
from bbdispatch.commands.choice import add_choice, kind_choice
from bbdispatch.commands.common import CommandError, echo, echo_err, print_json, run
from bbdispatch.commands.office import office_ctx, one_line_errors, positive_id
from bbdispatch.commands.table import cell, when
from bbdispatch.domain.audit_text import field_names
from bbdispatch.domain.client_details import ClientDetails, PhoneLine
from bbdispatch.domain.clients import Client, ClientKind
from bbdispatch.domain.errors import FieldError
from bbdispatch.domain.labels import (
    CALL_OUTCOME_LABEL,
    CLIENT_KIND_LABEL,
    CLIENT_STATUS_LABEL,
    CONTRACT_STATUS_LABEL,
    JOB_STATUS_LABEL,
    width_of,
)
from bbdispatch.domain.messages import shown
from bbdispatch.domain.products import product_name
from bbdispatch.formats import format_date, format_hours
from bbdispatch.i18n import _
from bbdispatch.phones import format_for_display, try_parse_phone
from bbdispatch.reports.common import hours_plain
from bbdispatch.services.client_view import ClientOverview, client_overview
from bbdispatch.services.clients import (
    DuplicateClient,
    add_client,
    archive_client,
    edit_client,
    get_client,
    list_clients,
)
from bbdispatch.services.references import Ref


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``clients`` with ``show``, ``add``, ``edit``, ``archive`` and ``reactivate``."""
    parser = one_line_errors(
        sub.add_parser("clients", help=_("list, show, add, edit and archive clients"))
    )
    parser.add_argument(
        "--search", metavar=_("TEXT"), default="", help=_("every word, any order; NIP or phone too")
    )
    parser.add_argument("--json", action="store_true", help=_("machine-readable output"))
    parser.set_defaults(handler=handle_list)
    actions = parser.add_subparsers(dest="clients_command", metavar=_("ACTION"))
    show = one_line_errors(actions.add_parser("show", help=_("all of one client")))
    show.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the client's id"))
    show.add_argument("--json", action="store_true", help=_("machine-readable output"))
    show.set_defaults(handler=handle_show, id_refers=Ref.CLIENT)
    add = one_line_errors(actions.add_parser("add", help=_("add a client (a prospect)")))
    add_choice(add, "--kind", kind=kind_choice(), metavar=_("KIND"), required=True)
    add.add_argument(
        "--name", required=True, metavar=_("NAME"), help=_("company name, or first and last name")
    )
    _detail_flags(add)
    add.add_argument(
        "--duplicate", action="store_true",
        help=_("add a private person although one of that name and number is a client already"),
    )  # fmt: skip
    add.set_defaults(handler=handle_add)
    edit = one_line_errors(actions.add_parser("edit", help=_("change a client's details")))
    edit.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the client's id"))
    add_choice(edit, "--kind", kind=kind_choice(), metavar=_("KIND"))
    edit.add_argument("--name", metavar=_("NAME"), help=_("company name, or first and last name"))
    _detail_flags(edit)
    edit.add_argument(
        "--main-phone",
        metavar=_("NUMBER"),
        help=_("make this number of the client its main (first) one; the others keep their order"),
    )
    edit.set_defaults(handler=handle_edit, id_refers=Ref.CLIENT)
    for name, helptext in (("archive", _("archive a client")), ("reactivate", _("undo archiving"))):
        action = one_line_errors(actions.add_parser(name, help=helptext))
        action.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the client's id"))
        action.add_argument("--json", action="store_true", help=_("print JSON"))
        action.set_defaults(
            handler=handle_archive, archived=name == "archive", id_refers=Ref.CLIENT
        )


def _detail_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nip", metavar=_("NIP"), help=_("companies: NIP in any common form"))
    parser.add_argument(
        "--phone",
        action="append",
        metavar=_("NUMBER[=LABEL[=PERSON]]"),
        help=_(
            "a phone with its label and contact person, optional (repeat for more; the first"
            " is the main one; on edit: replaces the list, and a number kept keeps the label"
            " and person not given)"
        ),
    )
    parser.add_argument("--street", metavar=_("STREET"), help=_("street and number"))
    parser.add_argument("--postal-code", metavar=_("NN-NNN"), help=_("postal code"))
    parser.add_argument("--city", metavar=_("CITY"), help=_("city"))
    parser.add_argument("--email", metavar=_("EMAIL"), help=_("e-mail address"))
    parser.add_argument("--contact", metavar=_("NAME"), help=_("contact person"))
    parser.add_argument("--notes", metavar=_("TEXT"), help=_("notes for the dispatchers"))
    parser.add_argument("--json", action="store_true", help=_("print the id as JSON"))


def _phones(
    values: list[str] | None, contact: str, stored: tuple[PhoneLine, ...] = ()
) -> tuple[PhoneLine, ...]:
    """The ``--phone NUMBER[=LABEL[=PERSON]]`` values as phone lines.

    A number the client has already (``stored``) keeps the label and contact
    person it has unless the value gives them (``601…=`` clears the label,
    ``601…=biuro=`` the person too); a new number's person is ``contact``
    (``--contact``) unless given. Numbers are checked by the service.
    """
    known = {p.e164: p for p in stored}
    found = []
    for value in values or []:
        number, has_label, rest = value.partition("=")
        label, has_person, person = rest.partition("=")
        before = known.get(try_parse_phone(number.strip()) or "")
        found.append(
            PhoneLine(
                number.strip(),
                label.strip() if has_label else (before.label if before else ""),
                person.strip() if has_person else (before.contact_person if before else contact),
            )
        )
    return tuple(found)


def _main_first(phones: tuple[PhoneLine, ...], main: str | None) -> tuple[PhoneLine, ...]:
    """``phones`` with the ``--main-phone`` number first, the others in their order.

    Raises:
        FieldError: the number is not one of ``phones`` (``main_phone``).
    """
    if main is None:
        return phones
    e164 = try_parse_phone(main.strip())
    chosen = [p for p in phones if (try_parse_phone(p.e164) or p.e164) == e164]
    if e164 is None or not chosen:
        raise FieldError(
            "main_phone",
            _("{number} is not one of the client's numbers: add it with --phone first.").format(
                number=main
            ),
        )
    return (chosen[0], *(p for p in phones if p is not chosen[0]))


def _details(args: argparse.Namespace, base: ClientDetails) -> ClientDetails:
    """The base details with every flag given applied."""
    contact = base.contact_person if args.contact is None else args.contact
    phones = (
        base.phones if args.phone is None else _phones(args.phone, args.contact or "", base.phones)
    )
    return ClientDetails(
        kind=ClientKind(args.kind) if args.kind else base.kind,
        name=base.name if args.name is None else args.name,
        nip=base.nip if args.nip is None else args.nip,
        street=base.street if args.street is None else args.street,
        city=base.city if args.city is None else args.city,
        postal_code=base.postal_code if args.postal_code is None else args.postal_code,
        email=base.email if args.email is None else args.email,
        contact_person=contact,
        notes=base.notes if args.notes is None else args.notes,
        phones=_main_first(phones, getattr(args, "main_phone", None)),
    )


def client_json(c: Client) -> dict[str, Any]:
    """One client as scripts see it."""
    return {
        "id": c.id,
        "kind": c.kind.value,
        "name": c.name,
        "status": c.status.value,
        "nip": c.nip,
        "street": c.street,
        "postal_code": c.postal_code,
        "city": c.city,
        "email": c.email,
        "contact": c.contact_person,
        "notes": c.notes,
        "phones": [
            {"e164": p.e164, "label": p.label, "contact": p.contact_person} for p in c.phones
        ],
    }


def handle_list(args: argparse.Namespace) -> int:
    """List clients (all, or those matching every word of ``--search``)."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            found = await list_clients(ctx, args.search)
        if args.json:
            print_json([client_json(c) for c in found])
            return 0
        if not found:
            echo_err(_("No clients match.") if args.search else _("No clients yet."))
            return 0
        kind_w, status_w = width_of(CLIENT_KIND_LABEL), width_of(CLIENT_STATUS_LABEL)
        for c in found:
            phone = c.phones[0].e164 if c.phones else ""
            kind, status = CLIENT_KIND_LABEL[c.kind], CLIENT_STATUS_LABEL[c.status]
            echo(f"{c.id:>6} {cell(c.name, 34)} {kind:<{kind_w}} {status:<{status_w}} {phone}")
        return 0

    return run(body)


def overview_json(o: ClientOverview) -> dict[str, Any]:
    """A client's overview as scripts see it."""
    return {
        **client_json(o.client),
        "contracts": [
            {
                "id": v.balance.contract.id,
                "number": v.balance.contract.number,
                "code": v.balance.contract.product_code,
                "status": v.status.value,
                "hours_left": None
                if v.balance.left_minutes is None
                else hours_plain(v.balance.left_minutes),
                "runs_out_on": v.runs_out_on.isoformat() if v.runs_out_on else None,
                "hours_used_opening": hours_plain(v.balance.contract.opening_used_minutes),
            }
            for v in o.contracts
        ],
        "assessments": [
            {
                "id": a.id,
                "revision": a.revision,
                "assessed_on": a.assessed_on.isoformat(),
                "needs": a.needs,
                "rules": a.rules,
            }
            for a in o.assessments
        ],  # fmt: skip
        "open_jobs": [
            _job_brief(r.job.id, r.job.status.value, r.job.description) for r in o.open_jobs
        ],  # fmt: skip
        "recent_jobs": [
            _job_brief(r.job.id, r.job.status.value, r.job.description) for r in o.recent_jobs
        ],  # fmt: skip
        "calls": [
            {
                "id": c.id,
                "received_at": local(c.received_at).isoformat(),
                "outcome": c.outcome.value,
                "note": shown(c.note),
            }
            for c in o.calls
        ],  # fmt: skip
        "uncovered_hours": hours_plain(o.uncovered_minutes),
    }


def _job_brief(job_id: int, status: str, description: str) -> dict[str, Any]:
    return {"id": job_id, "status": status, "description": description}


def handle_show(args: argparse.Namespace) -> int:
    """Print all of one client."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            o = await client_overview(ctx, args.id)
        if args.json:
            print_json(overview_json(o))
            return 0
        for line in overview_lines(o):
            echo(line)
        return 0

    return run(body)


def overview_lines(o: ClientOverview) -> list[str]:
    """All of one client as text lines in the session's language (``clients show``).

    Statuses, kinds and outcomes are words, hours and dates as
    :mod:`bbdispatch.formats` writes them; ``--json`` keeps the codes.
    """
    data = overview_json(o)
    c = o.client
    lines = [
        _("{name} [{kind}, {status}] id {id}").format(
            name=c.name, kind=CLIENT_KIND_LABEL[c.kind], status=CLIENT_STATUS_LABEL[c.status],
            id=c.id,
        )
    ]  # fmt: skip
    names = {
        "nip": _("NIP"), "street": _("street"), "postal_code": _("postal code"),
        "city": _("city"), "email": _("e-mail"), "contact": _("contact person"),
        "notes": _("notes"),
    }  # fmt: skip
    lines += [f"  {name}: {data[key]}" for key, name in names.items() if data[key]]
    for p in c.phones:
        extra = " ".join(x for x in (p.label, p.contact_person) if x)
        lines.append(
            ("  " + _("phone: {number} {extra}").format(number=p.e164, extra=extra)).rstrip()
        )
    for v in o.contracts:
        k, left_minutes = v.balance.contract, v.balance.left_minutes
        left = "" if left_minutes is None else _(", {hours} left").format(
            hours=format_hours(left_minutes)
        )  # fmt: skip
        out = "" if v.runs_out_on is None else _(", runs out {date}").format(
            date=format_date(v.runs_out_on)
        )  # fmt: skip
        lines.append("  " + _("contract {number} {product} {status}").format(
            number=k.number, product=product_name(k.product_code, title=k.title),
            status=CONTRACT_STATUS_LABEL[v.status],
        ) + left + out)  # fmt: skip
        if k.opening_used_minutes:
            lines.append("    " + _("Opening balance: {hours} used before bbdispatch (imported).")
                         .format(hours=format_hours(k.opening_used_minutes)))  # fmt: skip
    if o.uncovered_minutes:
        lines.append("  " + _("uncovered time: {hours} (no contract covers it)").format(
            hours=format_hours(o.uncovered_minutes)
        ))  # fmt: skip
    for a in o.assessments:
        lines.append("  " + _("assessment r{revision} {date}: {needs}").format(
            revision=a.revision, date=format_date(a.assessed_on), needs=a.needs
        ))  # fmt: skip
    for r in o.open_jobs:
        lines.append("  " + _("open job {id} [{status}] {description}").format(
            id=r.job.id, status=JOB_STATUS_LABEL[r.job.status], description=r.job.description
        ))  # fmt: skip
    for r in o.recent_jobs:
        lines.append("  " + _("job {id} [{status}] {description}").format(
            id=r.job.id, status=JOB_STATUS_LABEL[r.job.status], description=r.job.description
        ))  # fmt: skip
    for call in o.calls:
        lines.append("  " + _("call {time} {outcome} {note}").format(
            time=when(call.received_at),
            outcome=CALL_OUTCOME_LABEL[call.outcome], note=shown(call.note),
        ).rstrip())  # fmt: skip
    return lines


def handle_add(args: argparse.Namespace) -> int:
    """Add a client from the flags."""

    async def body() -> int:
        base = ClientDetails(kind=ClientKind(args.kind), name=args.name)
        async with office_ctx(args) as ctx:
            details = _no_private_nip(args, _details(args, base))
            try:
                client_id = await add_client(ctx, details, duplicate=args.duplicate)
            except DuplicateClient as err:
                raise CommandError(
                    _(
                        "{name} with the number {phone} is client {id} already; to add a"
                        " second client of that name and number anyway, give --duplicate."
                    ).format(
                        name=err.existing.name,
                        phone=format_for_display(err.e164),
                        id=err.existing.id,
                    ),
                    code=2,
                ) from err
        if args.json:
            print_json({"id": client_id})
        else:
            echo(_("client {id} added: {name}").format(id=client_id, name=args.name))
        return 0

    return run(body)


def _no_private_nip(args: argparse.Namespace, details: ClientDetails) -> ClientDetails:
    """Refuse ``--nip`` for a private person instead of dropping it without a word.

    The services keep no NIP for a private client (the TUI hides the field);
    a script that gives one has mistaken the kind, so it hears so (exit 2).

    Raises:
        FieldError: ``nip``, for a private client.
    """
    if args.nip and args.nip.strip() and details.kind is ClientKind.PRIVATE:
        raise FieldError(
            "nip", _("A private client has no NIP: give --kind company, or leave --nip out.")
        )
    return details


def handle_edit(args: argparse.Namespace) -> int:
    """Change the fields given by flags; the others stay."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            current = await get_client(ctx, args.id)
            details = _no_private_nip(args, _details(args, ClientDetails.of(current)))
            if details.kind is ClientKind.PRIVATE and details.nip and args.nip is None:
                raise FieldError(
                    "kind",
                    _(
                        "Client {id} has NIP {nip} and a private person has none:"
                        " add --nip '' to drop it, or keep the client a company."
                    ).format(id=args.id, nip=details.nip),
                )
            changed = await edit_client(ctx, args.id, details)
        if args.json:
            print_json({"id": args.id, "changed": changed})
        else:
            what = field_names(changed) or _("nothing changed")
            echo(_("client {id} edited: {what}").format(id=args.id, what=what))
        return 0

    return run(body)


def handle_archive(args: argparse.Namespace) -> int:
    """Archive or reactivate a client."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            status = await archive_client(ctx, args.id, args.archived)
        if args.json:
            print_json({"id": args.id, "status": status.value})
        else:
            done = _("client {id} archived") if args.archived else _("client {id} reactivated")
            echo(done.format(id=args.id))
        return 0

    return run(body)
