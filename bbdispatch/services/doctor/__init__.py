"""``bbdispatch doctor``: the set-up a firm gets wrong, checked one thing per line.

Database permissions and group, an admin, the price list, the OS accounts of
the firm's people and whether they can read the database, the SSH
ForceCommand for technicians, and the cron or systemd lines for
``schedule run`` and ``backup``. Each check says what is fine or exactly what
to fix. System files are read under a root folder (``/`` in real use, a test
folder in tests).

One module per thing checked: :mod:`.database_file` (the file, its lock
and folder), :mod:`.people` (an admin; people's OS accounts), :mod:`.price_list`,
:mod:`.sshd` (the ForceCommand and its Match block), :mod:`.scheduled` (cron
lines and systemd timers); :mod:`.accounts`, :mod:`.programs` and
:mod:`.system_files` are what they share. The names ``commands/`` and tests
use are imported here.
"""

from __future__ import annotations

from pathlib import Path

from bbdispatch.domain.people import Role
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services.doctor.accounts import (
    ANYONE,
    STAFF_GROUP,
    TECH_GROUP,
    Account,
    Accounts,
    allows,
    staff_group,
)
from bbdispatch.services.doctor.check import Check
from bbdispatch.services.doctor.database_file import (
    check_database_file,
    database_access_problem,
    database_folders,
    unreachable_folder,
)
from bbdispatch.services.doctor.people import check_people, trusted_roles
from bbdispatch.services.doctor.price_list import check_pricelist
from bbdispatch.services.doctor.programs import run_problem
from bbdispatch.services.doctor.scheduled import check_scheduled, runner_judge
from bbdispatch.services.doctor.sshd import check_ssh, forced_groups, sshd_lines
from bbdispatch.services.import_clients import interrupted_imports
from bbdispatch.storage import people as people_store
from bbdispatch.storage.database import Database

__all__ = [
    "ANYONE",
    "STAFF_GROUP",
    "TECH_GROUP",
    "Account",
    "Accounts",
    "Check",
    "allows",
    "check_database_file",
    "check_imports",
    "check_people",
    "check_pricelist",
    "check_scheduled",
    "check_ssh",
    "database_access_problem",
    "database_folders",
    "forced_groups",
    "run_checks",
    "run_problem",
    "runner_judge",
    "staff_group",
    "unreachable_folder",
]


async def run_checks(
    db: Database, root: Path = Path("/"), program: str | None = None
) -> list[Check]:
    """Every check, in the order the report prints them.

    Args:
        db: the open database (opened without needing the price list, which is
            one of the checks).
        root: where the system files are (``/``; a folder in tests).
        program: the bbdispatch program office accounts run (absolute, read
            under ``root``), judged for each dispatcher and admin; None: not judged.
    """
    accounts = Accounts(root)
    # The file's mode and group matter for SQLite only; a server guards its own data.
    checks = check_database_file(db.path, accounts) if db.dialect == "sqlite" else []
    checks += await check_people(
        db, accounts, forced_groups(root), tuple(sshd_lines(root)[1]), database_folders,
        program=program, root=root,
    )  # fmt: skip
    checks.append(check_pricelist())
    techs = [p for p in await people_store.all_people(db) if p.role is Role.TECHNICIAN]
    wanted = db.path if db.dialect == "sqlite" else None
    checks.append(check_ssh(root, [accounts.get(p.login) for p in techs], accounts, wanted))
    roles = await trusted_roles(db)
    checks.append(
        check_scheduled(
            root,
            db.path,
            "schedule run",
            "docs/schedule.md",
            runner_judge(roles, accounts, Action.SCHEDULE_RUN),
        )
    )
    checks.append(check_scheduled(root, db.path, "backup", "docs/backup.md",
                                  runner_judge(roles, accounts, Action.BACKUP)))  # fmt: skip
    checks.append(await check_imports(db))
    return checks


async def check_imports(db: Database) -> Check:
    """No client import was interrupted half-way (a killed ``import``)."""
    waiting = await interrupted_imports(db)
    if waiting:
        return Check(False, _("imports"), "; ".join(i.describe() for i in waiting))
    return Check(True, _("imports"), _("none interrupted"))
