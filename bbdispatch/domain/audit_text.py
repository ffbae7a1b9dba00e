"""An audit row in words: what a job's "Audit trail" shows a dispatcher.

The audit log stores codes (``status``, ``to_status=in_progress``,
``priority=normal``) so that its hash chain and the scripts reading it never
depend on a language (``docs/audit.md``). This module words them in the
session's language: actions and fields by name, statuses, priorities, modes
and categories by the words of ``docs/glossary.md``, technicians by name.
A code it does not know is shown as stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from bbdispatch.clock import format_local
from bbdispatch.domain.audit import AuditEntry
from bbdispatch.domain.labels import (
    CATEGORY_LABEL,
    CLIENT_KIND_LABEL,
    JOB_STATUS_LABEL,
    MODE_LABEL,
    PRIORITY_LABEL,
    ROLE_LABEL,
)
from bbdispatch.domain.products import product_name
from bbdispatch.domain.rule_words import describe_schedule
from bbdispatch.i18n import N_, NP_, Labels

ACTION_LABEL = Labels(
    {
        "created": NP_("audit", "created"),
        "edited": NP_("audit", "edited"),
        "status": NP_("audit", "status changed"),
        "assigned": NP_("audit", "assigned"),
        "reassigned": NP_("audit", "handed over"),
        "contract_chosen": NP_("audit", "contract chosen"),
        "backup_checked": NP_("audit", "backup checked"),
        "run_logged": NP_("audit", "run documented"),
        "missed_reported": NP_("audit", "reported as missed by schedule run"),
        "failure_reported": NP_("audit", "reported as failed by schedule run"),
    },
    context="audit",
)
"""What happened, by the action code the services record."""
FIELD_LABEL = Labels(
    {
        "client_id": NP_("audit", "client"),
        "priority": NP_("audit", "priority"),
        "mode": NP_("audit", "mode"),
        "category": NP_("audit", "category"),
        "agreed_price": NP_("audit", "agreed price"),
        "agreed_rate": NP_("audit", "agreed rate"),
        "from_technician": NP_("audit", "previous technician"),
        "technician": NP_("audit", "technician"),
        "technician_id": NP_("audit", "technician"),
        "visit_at": NP_("audit", "visit"),
        "clash_with": NP_("audit", "overlaps job"),
        "from_status": NP_("audit", "from"),
        "to_status": NP_("audit", "to"),
        "note": NP_("audit", "note"),
        "contract_id": NP_("audit", "contract"),
        "description": NP_("audit", "description"),
        "site_address": NP_("audit", "site"),
        "caller_name": NP_("audit", "caller"),
        "caller_phone": NP_("audit", "caller's phone"),
        "source": NP_("audit", "source"),
        "task_id": NP_("audit", "recurring task"),
        "occurrence_at": NP_("audit", "due"),
        "late": NP_("audit", "late"),
        "outcome": NP_("audit", "outcome"),
        "checked": NP_("audit", "checked"),
        "problem": NP_("audit", "problem"),
        "result": NP_("audit", "result"),
        "kind": NP_("audit", "kind"),
        "role": NP_("audit", "role"),
        "name": NP_("audit", "name"),
        "nip": NP_("audit", "NIP"),
        "street": NP_("audit", "street"),
        "city": NP_("audit", "city"),
        "postal_code": NP_("audit", "postcode"),
        "email": NP_("audit", "e-mail"),
        "contact_person": NP_("audit", "contact person"),
        "notes": NP_("audit", "notes"),
        "phones": NP_("audit", "phones"),
        "product": NP_("audit", "product"),
        "schedule": NP_("audit", "schedule"),
    },
    context="audit",
)
"""The fields of an audit row's detail, by their stored key (also a saved form's fields)."""


def field_names(fields: Iterable[str]) -> str:
    """The fields a save changed, as people read them: ``contact person, e-mail``.

    ``Saved: contact_person`` named the code; a field without a label keeps its code.
    """
    return ", ".join(FIELD_LABEL.get(f, f) for f in fields)


VALUE_LABELS: Mapping[str, Mapping[Any, str]] = {
    "priority": PRIORITY_LABEL,
    "mode": MODE_LABEL,
    "category": CATEGORY_LABEL,
    "from_status": JOB_STATUS_LABEL,
    "to_status": JOB_STATUS_LABEL,
    "kind": CLIENT_KIND_LABEL,
    "role": ROLE_LABEL,
}
"""Fields whose values are codes with words."""
PEOPLE_FIELDS = frozenset({"technician", "technician_id", "from_technician"})
"""Fields whose values are a person's id."""


def people_in_trail(trail: Iterable[AuditEntry]) -> set[int]:
    """Ids of the people an audit trail names (the values of :data:`PEOPLE_FIELDS`).

    The job detail fetches these people only, not the whole firm with its skills.
    """
    found: set[int] = set()
    for entry in trail:
        for key, value in entry.detail.items():
            if key not in PEOPLE_FIELDS:
                continue
            ends = [value["from"], value["to"]] if isinstance(value, dict) else [value]
            found.update(v for v in ends if isinstance(v, int) and not isinstance(v, bool))
    return found


MOMENT_FIELDS = frozenset({"visit_at", "occurrence_at", "start", "end"})
MONEY_FIELDS = frozenset({"agreed_price", "agreed_rate", "monthly_fee", "net"})
"""Details that hold an amount in złoty (as the decimal text the service wrote)."""
"""Fields whose values are stored ISO times (UTC): shown as the firm's local time."""
YES_NO = Labels({True: N_("yes"), False: N_("no")})
"""How a true/false value reads."""


def _value(
    key: str, value: Any, person_name: Callable[[int | None], str], clients: Mapping[int, str]
) -> str:
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        before, after = (_value(key, value[end], person_name, clients) for end in ("from", "to"))
        return f"{before} → {after}"
    if key == "client_id" and value in clients:
        return clients[value]
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return YES_NO[value]
    if key in MOMENT_FIELDS and isinstance(value, str):
        try:
            return format_local(datetime.fromisoformat(value))
        except ValueError:
            return value
    if key in PEOPLE_FIELDS and isinstance(value, int):
        return person_name(value)
    if key in MONEY_FIELDS and isinstance(value, str | int | float):
        from decimal import Decimal, InvalidOperation

        from bbdispatch.formats import format_money

        try:
            return format_money(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if key == "product" and isinstance(value, str):
        return product_name(value)
    if key == "schedule" and isinstance(value, str):
        return describe_schedule(value)
    labels = VALUE_LABELS.get(key)
    if labels is not None and isinstance(value, str) and value in labels:
        return labels[value]
    return str(value)


def audit_text(
    entry: AuditEntry,
    person_name: Callable[[int | None], str],
    clients: Mapping[int, str] | None = None,
) -> str:
    """``status changed: from przypisane, to w toku, note Jadę`` in the session's language.

    Empty values are left out (an unset visit, no clash), as before; a change
    of one field reads ``priority: normal → emergency``. ``clients`` names
    the clients the reader may see, by id (others stay a number).
    """
    action = ACTION_LABEL.get(entry.action, entry.action)
    parts = []
    for key, value in entry.detail.items():
        if value is None or value == "":
            continue
        name = FIELD_LABEL.get(key, key)
        parts.append(f"{name} {_value(key, value, person_name, clients or {})}")
    return f"{action}: {', '.join(parts)}" if parts else action
