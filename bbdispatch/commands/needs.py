"""What each subcommand needs, checked before the command reads or checks anything else.

A person who may not run a command learns only that: not which columns their
file lacks, which client id does not exist or whether an entry is locked. So
the right comes first. Every subcommand is in :data:`COMMAND_NEEDS`, and
:func:`bbdispatch.cli.build_parser` gives each parser its entry; ``main`` asks
:func:`bbdispatch.commands.common.gate` before the command's handler runs.

The gate asks the rule table only whether the role may do the action at all
(``docs/rights.md``). Actions a technician may do on their *own* things
(``time edit``, ``inventory load``) pass here, and the service checks whose
thing it is, again before it looks at the input.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bbdispatch.domain.rights import Action

Need = Action | Callable[[argparse.Namespace], Action | None] | None
"""An action, one chosen by the command's options, or ``None`` (no gate; see the table)."""


def _statement(args: argparse.Namespace) -> Action:
    return Action.STATEMENT_ISSUE if getattr(args, "issue", False) else Action.STATEMENT_VIEW


def _language(args: argparse.Namespace) -> Action | None:
    # Which language the firm speaks is no secret: anyone may ask; admins set it.
    return Action.SETTINGS_EDIT if getattr(args, "value", None) is not None else None


def _audit(args: argparse.Namespace) -> Action:
    return Action.AUDIT_SEAL if getattr(args, "seal", False) else Action.AUDIT_VERIFY


COMMAND_NEEDS: dict[str, Need] = {
    # No gate: no database, or the command decides who may before any input.
    "init": None,  # creating a database is whoever can write the folder
    "demo": None,  # a new database (it checks an existing one's admin itself)
    "pricelist": None,  # the shipped price list, no database
    "calendar": None,  # public holidays
    "doctor": Action.PEOPLE_VIEW,  # it names the admins and every person's account
    "tech": None,  # any person; the workspace shows only their own work
    "restore": None,  # the database may be missing; it checks the admin itself
    "ring": None,  # the phone path: started on every call, checked in the service
    "lookup": None,  # the phone path, as ``ring``
    # Gated by the rule table.
    "people add": Action.PEOPLE_MANAGE,
    "people import": Action.PEOPLE_MANAGE,
    "people role": Action.PEOPLE_MANAGE,
    "people list": Action.PEOPLE_VIEW,
    "import": Action.CLIENT_IMPORT,
    "schedule run": Action.SCHEDULE_RUN,
    "inventory load": Action.RUN_RECORD,  # own runs: the service checks the job
    "inventory diff": Action.INVENTORY_VIEW,
    "inventory show": Action.INVENTORY_VIEW,
    "contracts": Action.CONTRACT_VIEW,
    "contracts sign": Action.CONTRACT_EDIT,
    "contracts import": Action.CONTRACT_EDIT,
    "assessments add": Action.CONTRACT_EDIT,
    "assessments waive": Action.CONTRACT_EDIT,
    "contracts move": Action.CONTRACT_EDIT,
    "contracts close": Action.CONTRACT_EDIT,
    "report statement": _statement,
    "report itadmin": Action.RECURRING_VIEW,
    "backup": Action.BACKUP,
    "migrate": Action.BACKUP,
    "privacy export": Action.PRIVACY,
    "privacy erase": Action.PRIVACY,
    "clients": Action.CLIENT_VIEW,
    "clients show": Action.CLIENT_VIEW,
    "clients add": Action.CLIENT_EDIT,
    "clients edit": Action.CLIENT_EDIT,
    "clients archive": Action.CLIENT_EDIT,
    "clients reactivate": Action.CLIENT_EDIT,
    "jobs": Action.JOB_LIST,
    "jobs add": Action.JOB_CREATE,
    "jobs assign": Action.JOB_ASSIGN,
    "jobs status": Action.JOB_STATUS,
    "jobs edit": Action.JOB_EDIT,
    "calls": Action.CALL_LOG,
    "calls note": Action.CALL_LOG,
    "calls mark": Action.CALL_LOG,
    "callbacks": Action.CALL_LOG,
    "callbacks add": Action.CALL_LOG,
    "callbacks done": Action.CALL_LOG,
    "callbacks attempt": Action.CALL_LOG,
    "callbacks cancel": Action.CALL_LOG,
    "time add": Action.TIME_EDIT,  # own time: the service checks the job
    "time edit": Action.TIME_EDIT,  # own time: the service checks the entry
    "language": _language,
    "audit verify": _audit,
}
"""Every subcommand (by its words, ``"people add"``) and what it needs."""


def need_of(args: argparse.Namespace) -> Action | None:
    """The action the parsed command needs (``None``: not gated)."""
    need: Need = getattr(args, "right_needed", None)
    if need is None or isinstance(need, Action):
        return need
    return need(args)


def apply_needs(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> None:
    """Give every subcommand's parser its :data:`COMMAND_NEEDS` entry (as ``args.right_needed``).

    Raises:
        KeyError: a subcommand missing from the table (a new one must say what it needs).
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                path = (*prefix, name)
                words = " ".join(path)
                runs = child.get_default("handler") is not None
                if runs or not _has_subcommands(child):
                    child.set_defaults(right_needed=COMMAND_NEEDS[words])
                apply_needs(child, path)


def _has_subcommands(parser: argparse.ArgumentParser) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)
