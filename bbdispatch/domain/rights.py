"""Who may do what: the one rule table every service call is checked against.

Pure data and one function, no I/O: the services ask :func:`scope` (through
``bbdispatch.services.rights.check``), the docs (``docs/rights.md``) print the
same table, and the tests walk it as a matrix (principal × action × own/other).

A *principal* is what the acting login turns out to be: a person's role
(technician, dispatcher, admin), the phone system's account (``phone``), or
trusted in-process code (``system``: building the demo, test set-up).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bbdispatch.domain.errors import NotAllowed
from bbdispatch.domain.people import Role
from bbdispatch.i18n import N_, Labels, _


class Refused(NotAllowed):
    """The rule table says no; ``str(err)`` is one line for the user (and it was audited)."""


class Principal(StrEnum):
    """What the acting login is, for the rule table."""

    TECHNICIAN = "technician"
    DISPATCHER = "dispatcher"
    ADMIN = "admin"
    PHONE = "phone"
    """The phone system's OS account: reports and looks up calls, nothing else."""
    SYSTEM = "system"
    """Trusted in-process code (demo builder, tests); never taken from a login."""

    @classmethod
    def of(cls, role: Role) -> Principal:
        """The principal of a person with ``role``."""
        return cls(role.value)


class Scope(StrEnum):
    """How far a right reaches."""

    NONE = "no"
    OWN = "own"
    """Only things that belong to the acting person (their jobs, their time)."""
    ANY = "yes"


class Action(StrEnum):
    """Everything a service does on someone's behalf, grouped by what it touches."""

    JOB_VIEW = "job.view"
    """A job's card: the job, the client's name, site address and phone numbers."""
    JOB_DETAIL = "job.detail"
    """A job with its client's NIP, e-mail, contracts, notes and audit trail."""
    JOB_LIST = "job.list"
    """The board: everyone's jobs, candidates for assignment."""
    SEARCH = "search"
    """The palette and search: jobs (and clients, if ``client.view``) by text."""
    JOB_CREATE = "job.create"
    JOB_WORK = "job.work"
    """Start, hold and finish a job; run its timer."""
    JOB_STATUS = "job.status"
    """Any status change from the board, cancelling included."""
    JOB_ASSIGN = "job.assign"
    JOB_EDIT = "job.edit"
    TIME_VIEW = "time.view"
    TIME_EDIT = "time.edit"
    """Add, change and delete work entries in the open edit window."""
    TIME_CORRECT = "time.correct"
    """Correct a locked (billed or old) entry, with a reason."""
    CLIENT_VIEW = "client.view"
    CLIENT_EDIT = "client.edit"
    CLIENT_IMPORT = "client.import"
    CALL_RING = "call.ring"
    """Report an incoming call (``bbdispatch ring``)."""
    CALL_LOOKUP = "call.lookup"
    """Who a phone number belongs to (``bbdispatch lookup``)."""
    CALL_LOG = "call.log"
    """The call log and its outcomes."""
    CONTRACT_VIEW = "contract.view"
    CONTRACT_EDIT = "contract.edit"
    """Sign, close, assess needs, choose a job's contract, move uncovered time."""
    STATEMENT_VIEW = "statement.view"
    STATEMENT_ISSUE = "statement.issue"
    """Issue a billing period: it locks the time in it."""
    RECURRING_VIEW = "recurring.view"
    RECURRING_EDIT = "recurring.edit"
    SCHEDULE_RUN = "schedule.run"
    """Create the due recurring jobs (``schedule run``, cron)."""
    RUN_RECORD = "run.record"
    """Document a recurring run: its checks, backup check, inventory."""
    INVENTORY_VIEW = "inventory.view"
    PEOPLE_VIEW = "people.view"
    PEOPLE_MANAGE = "people.manage"
    PRICELIST_MANAGE = "pricelist.manage"
    SETTINGS_EDIT = "settings.edit"
    """The firm's settings (its language)."""
    BACKUP = "backup"
    PRIVACY = "privacy"
    """Privacy requests: export or erase a person's data."""
    AUDIT_VIEW = "audit.view"
    AUDIT_VERIFY = "audit.verify"
    AUDIT_SEAL = "audit.seal"
    """Write the audit trail's head where technicians cannot (``audit verify --seal``)."""


_N, _O, _A = Scope.NONE, Scope.OWN, Scope.ANY
_COLUMNS = (Principal.TECHNICIAN, Principal.DISPATCHER, Principal.ADMIN, Principal.PHONE)

_ROWS: dict[Action, tuple[Scope, Scope, Scope, Scope]] = {
    #                           technician dispatcher admin phone
    Action.JOB_VIEW:           (_O, _A, _A, _N),
    Action.JOB_DETAIL:         (_N, _A, _A, _N),
    Action.JOB_LIST:           (_N, _A, _A, _N),
    Action.SEARCH:             (_O, _A, _A, _N),
    Action.JOB_CREATE:         (_N, _A, _A, _N),
    Action.JOB_WORK:           (_O, _A, _A, _N),
    Action.JOB_STATUS:         (_N, _A, _A, _N),
    Action.JOB_ASSIGN:         (_N, _A, _A, _N),
    Action.JOB_EDIT:           (_N, _A, _A, _N),
    Action.TIME_VIEW:          (_O, _A, _A, _N),
    Action.TIME_EDIT:          (_O, _A, _A, _N),
    Action.TIME_CORRECT:       (_N, _N, _A, _N),
    Action.CLIENT_VIEW:        (_N, _A, _A, _N),
    Action.CLIENT_EDIT:        (_N, _A, _A, _N),
    Action.CLIENT_IMPORT:      (_N, _A, _A, _N),
    Action.CALL_RING:          (_N, _A, _A, _A),
    Action.CALL_LOOKUP:        (_N, _A, _A, _A),
    Action.CALL_LOG:           (_N, _A, _A, _N),
    Action.CONTRACT_VIEW:      (_N, _A, _A, _N),
    Action.CONTRACT_EDIT:      (_N, _A, _A, _N),
    Action.STATEMENT_VIEW:     (_N, _A, _A, _N),
    Action.STATEMENT_ISSUE:    (_N, _N, _A, _N),
    Action.RECURRING_VIEW:     (_N, _A, _A, _N),
    Action.RECURRING_EDIT:     (_N, _A, _A, _N),
    Action.SCHEDULE_RUN:       (_N, _A, _A, _N),
    Action.RUN_RECORD:         (_O, _A, _A, _N),
    Action.INVENTORY_VIEW:     (_N, _A, _A, _N),
    Action.PEOPLE_VIEW:        (_N, _A, _A, _N),
    Action.PEOPLE_MANAGE:      (_N, _N, _A, _N),
    Action.PRICELIST_MANAGE:   (_N, _N, _A, _N),
    Action.SETTINGS_EDIT:      (_N, _N, _A, _N),
    Action.BACKUP:             (_N, _N, _A, _N),
    Action.PRIVACY:            (_N, _N, _A, _N),
    Action.AUDIT_VIEW:         (_N, _A, _A, _N),
    Action.AUDIT_VERIFY:       (_N, _A, _A, _N),
    Action.AUDIT_SEAL:         (_N, _N, _A, _N),
}  # fmt: skip

RULES: Mapping[Action, Mapping[Principal, Scope]] = {
    action: dict(zip(_COLUMNS, row, strict=True)) | {Principal.SYSTEM: Scope.ANY}
    for action, row in _ROWS.items()
}
"""The rule table: for each action, how far each principal's right reaches."""

ACTION_TEXT: Mapping[Action, str] = Labels({
    Action.JOB_VIEW: N_("open this job"),
    Action.JOB_DETAIL: N_("see a job's client details"),
    Action.JOB_LIST: N_("see the board"),
    Action.SEARCH: N_("search"),
    Action.JOB_CREATE: N_("create jobs"),
    Action.JOB_WORK: N_("work on this job"),
    Action.JOB_STATUS: N_("change a job's status"),
    Action.JOB_ASSIGN: N_("assign jobs"),
    Action.JOB_EDIT: N_("edit jobs"),
    Action.TIME_VIEW: N_("see this time"),
    Action.TIME_EDIT: N_("change this time"),
    Action.TIME_CORRECT: N_("correct locked time"),
    Action.CLIENT_VIEW: N_("see clients"),
    Action.CLIENT_EDIT: N_("change clients"),
    Action.CLIENT_IMPORT: N_("import clients"),
    Action.CALL_RING: N_("report calls"),
    Action.CALL_LOOKUP: N_("look up callers"),
    Action.CALL_LOG: N_("see the call log"),
    Action.CONTRACT_VIEW: N_("see contracts"),
    Action.CONTRACT_EDIT: N_("change contracts"),
    Action.STATEMENT_VIEW: N_("see work statements"),
    Action.STATEMENT_ISSUE: N_("issue billing periods"),
    Action.RECURRING_VIEW: N_("see recurring tasks"),
    Action.RECURRING_EDIT: N_("change recurring tasks"),
    Action.SCHEDULE_RUN: N_("run the schedule"),
    Action.RUN_RECORD: N_("document this run"),
    Action.INVENTORY_VIEW: N_("see inventories"),
    Action.PEOPLE_VIEW: N_("see the firm's people"),
    Action.PEOPLE_MANAGE: N_("manage people"),
    Action.PRICELIST_MANAGE: N_("change the price list"),
    Action.SETTINGS_EDIT: N_("change the firm's settings"),
    Action.BACKUP: N_("make or restore backups"),
    Action.PRIVACY: N_("handle privacy requests"),
    Action.AUDIT_VIEW: N_("see the audit trail"),
    Action.AUDIT_VERIFY: N_("verify the audit trail"),
    Action.AUDIT_SEAL: N_("seal the audit trail"),
})  # fmt: skip
"""What each action is, as the end of "You may not …" (translated when read)."""

PRINCIPAL_TEXT: Mapping[Principal, str] = Labels({
    Principal.TECHNICIAN: N_("technician"), Principal.DISPATCHER: N_("dispatcher"),
    Principal.ADMIN: N_("admin"), Principal.PHONE: N_("phone system"),
    Principal.SYSTEM: N_("system"),
})  # fmt: skip
"""Principals as a refusal names them."""


def scope(principal: Principal, action: Action) -> Scope:
    """How far ``principal``'s right to ``action`` reaches (the table's cell)."""
    return RULES[action][principal]


def allowed(principal: Principal, action: Action, *, own: bool) -> bool:
    """Whether ``principal`` may do ``action`` on something that is (or is not) their own."""
    reach = scope(principal, action)
    return reach is Scope.ANY or (reach is Scope.OWN and own)


NOT_OWN_TEXT: Mapping[Action, str] = Labels({
    Action.JOB_VIEW: N_("Not allowed: this is not your job."),
    Action.JOB_WORK: N_("Not allowed: this is not your job."),
    Action.TIME_VIEW: N_("Not allowed: this is not your time entry."),
    Action.TIME_EDIT: N_("Not allowed: this is not your time entry."),
    Action.RUN_RECORD: N_("Not allowed: this is not your run."),
})  # fmt: skip
"""The refusal of an action the role may do on its own things, done on someone else's.

Search has no entry: it filters someone else's things out instead of refusing.
"""


def refusal_text(principal: Principal, action: Action, *, not_own: bool = False) -> str:
    """The one line shown when a right is missing.

    Args:
        principal: who was refused.
        action: what they tried.
        not_own: the role may do it on its own things and this one is someone
            else's: the line says so ("this is not your job"), not that the
            role may not.
    """
    if not_own and action in NOT_OWN_TEXT:
        return NOT_OWN_TEXT[action]
    return _("Not allowed: your role ({role}) may not {what}.").format(
        role=PRINCIPAL_TEXT[principal], what=ACTION_TEXT[action]
    )


def markdown_table() -> str:
    """The rule table as Markdown, as ``docs/rights.md`` prints it (a test keeps them equal)."""
    cols = (Principal.TECHNICIAN, Principal.DISPATCHER, Principal.ADMIN, Principal.PHONE)
    lines = [
        "| action | what | " + " | ".join(c.value for c in cols) + " |",
        "|---|---|" + "---|" * len(cols),
    ]
    for action in Action:
        cells = " | ".join(RULES[action][c].value for c in cols)
        lines.append(f"| `{action.value}` | {ACTION_TEXT[action]} | {cells} |")
    return "\n".join(lines) + "\n"
