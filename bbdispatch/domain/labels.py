"""The words people read for the stable codes of the data (roles, kinds, statuses, priorities).

Codes (``technician``, ``in_progress``, ``used_up``) are the interface of JSON
output, of the database and of command-line flags, and never change with the
language. Text output and screens show these words instead, translated when
they are read (:class:`bbdispatch.i18n.Labels`), in the words of
``docs/glossary.md``. Every table is keyed by the enum, and so also by the
plain code string (a ``StrEnum`` member equals its value).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bbdispatch.domain.calls import CallOutcome, CallSource
from bbdispatch.domain.clients import CLIENT_KIND_LABEL, CLIENT_STATUS_LABEL
from bbdispatch.domain.contracts import ContractStatus
from bbdispatch.domain.jobs import CATEGORY_LABEL, MODE_LABEL, Priority
from bbdispatch.domain.lifecycle import STATUS_LABEL as JOB_STATUS_LABEL
from bbdispatch.domain.people import Role
from bbdispatch.i18n import N_, NP_, Labels

__all__ = [
    "CALL_OUTCOME_LABEL",
    "CALL_SOURCE_LABEL",
    "CATEGORY_LABEL",
    "CLIENT_KIND_LABEL",
    "CLIENT_STATUS_LABEL",
    "CONTRACT_STATUS_LABEL",
    "JOB_STATUS_LABEL",
    "MODE_LABEL",
    "PRIORITY_LABEL",
    "ROLE_LABEL",
    "width_of",
]

ROLE_LABEL = Labels(
    {Role.DISPATCHER: N_("dispatcher"), Role.TECHNICIAN: N_("technician"), Role.ADMIN: N_("admin")}
)
"""A person's role: *dyspozytor*, *technik*, *administrator*."""
CONTRACT_STATUS_LABEL = Labels(
    {
        ContractStatus.ACTIVE: NP_("contract", "active"),
        ContractStatus.USED_UP: NP_("contract", "used up"),
        ContractStatus.EXPIRED: NP_("contract", "expired"),
        ContractStatus.CLOSED: NP_("contract", "closed"),
    },
    context="contract",
)
"""A contract's status, agreeing with *umowa*: *aktywna*, *wykorzystana*, *wygasła*, *zamknięta*."""
PRIORITY_LABEL = Labels(
    {Priority.EMERGENCY: N_("emergency"), Priority.NORMAL: N_("normal"), Priority.LOW: N_("low")}
)
"""A job's priority in full: *awaria*, *zwykły*, *niski* (the board shortens the first)."""
CALL_OUTCOME_LABEL = Labels(
    {
        CallOutcome.PENDING: N_("waiting"),
        CallOutcome.JOB_CREATED: N_("job"),
        CallOutcome.INFORMATION: N_("information"),
        CallOutcome.NEW_PROSPECT: N_("new client"),
        CallOutcome.MISSED: N_("missed"),
    }
)
"""What came of a call."""
CALL_STATE_LABEL = Labels(
    {
        CallOutcome.PENDING.value: N_("waiting"),
        CallOutcome.JOB_CREATED.value: N_("job"),
        CallOutcome.INFORMATION.value: N_("information"),
        CallOutcome.NEW_PROSPECT.value: N_("new client"),
        CallOutcome.MISSED.value: N_("missed"),
        "being_taken": N_("being taken"),
        "interrupted": N_("interrupted"),
    }
)
"""A call's state as ``calls`` and the call log show it (``call_state``): a waiting call
taken by hand reads *being taken* while its session lives, *interrupted* once it is gone."""
CALL_SOURCE_LABEL = Labels({CallSource.RING: N_("phone system"), CallSource.MANUAL: N_("by hand")})
"""Who logged a call: the phone system (``ring``) or the dispatcher at the intake."""


def width_of(labels: Mapping[Any, str]) -> int:
    """The length of the longest word of a table in the session's language (for columns)."""
    return max(len(labels[key]) for key in labels)
