"""SSH: the ForceCommand that gives technicians ``bbdispatch tech``, and its Match block."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bbdispatch.i18n import _
from bbdispatch.services.doctor.accounts import ANYONE, TECH_GROUP, Account, Accounts
from bbdispatch.services.doctor.check import Check, cannot_check
from bbdispatch.services.doctor.programs import program_exists, run_problem, walk_links
from bbdispatch.services.doctor.system_files import (
    ENV_ASSIGNMENT,
    command_args,
    expand_variables,
    matching_files,
    named_database,
    readable_lines,
    shell_words,
    wrong_database,
)


def sshd_lines(root: Path) -> tuple[list[tuple[Path, str]], list[Path]]:
    """The lines of sshd_config and its ``sshd_config.d/*.conf``, and the files not readable."""
    return readable_lines(
        matching_files(root, ["etc/ssh/sshd_config", "etc/ssh/sshd_config.d/*.conf"])
    )


@dataclass(frozen=True)
class _Forced:
    """A ``ForceCommand`` line running bbdispatch, with the ``Match`` block it is in."""

    path: Path
    line: str
    matched: bool
    """Inside a ``Match`` block (not ``Match all``): it applies to the logins the block names."""
    groups: tuple[str, ...] = ()
    """The block's ``Match Group`` names."""
    users: tuple[str, ...] = ()
    """The block's ``Match User`` names."""

    def covers(self, account: Account, accounts: Accounts) -> bool:
        """Whether sshd forces this command on ``account`` (by its groups or its login)."""
        if not self.matched:
            return True
        names = {accounts.group_name(g) for g in account.groups}
        return bool(names.intersection(self.groups)) or account.login in self.users


def _force_commands(root: Path) -> tuple[list[_Forced], list[Path]]:
    """Every ``ForceCommand`` running bbdispatch in sshd's files, and the files not readable.

    A ``Match`` block runs to the next ``Match`` or the end of its file
    (sshd_config(5)); ``Match all`` ends one.
    """
    lines, unreadable = sshd_lines(root)
    found: list[_Forced] = []
    current: Path | None = None
    matched = False
    groups: list[str] = []
    users: list[str] = []
    for path, line in lines:
        if path != current:  # a Match block ends with its file
            matched, groups, users, current = False, [], [], path
        words = line.replace("=", " ", 1).split()
        key = words[0].lower()
        if key == "match":
            groups, users = [], []
            matched = not (len(words) > 1 and words[1].lower() == "all")
            for name, value in zip(words[1::2], words[2::2], strict=False):
                names = [v for v in value.split(",") if v and not v.startswith("!")]
                if name.lower() == "group":
                    groups += names
                elif name.lower() == "user":
                    users += names
        elif key == "forcecommand" and "bbdispatch" in line:
            found.append(_Forced(path, line, matched, tuple(groups), tuple(users)))
    return found, unreadable


def forced_groups(root: Path) -> frozenset[str]:
    """Groups whose sshd ``Match Group`` block has a ForceCommand running bbdispatch."""
    return frozenset(g for f in _force_commands(root)[0] for g in f.groups)


def check_ssh(
    root: Path,
    technicians: Iterable[Account | None] = (),
    accounts: Accounts | None = None,
    db_path: Path | None = None,
) -> Check:
    """Sshd gives each technician ``bbdispatch tech`` on this database, and only technicians.

    The ``ForceCommand`` must sit in a ``Match`` block (outside one sshd
    forces it on every login, dispatchers and admins too) that covers every
    technician's account, its program must be one each may run (every folder
    on the way, the interpreter behind a symlink), and the command it runs
    must name ``db_path`` (the database doctor checks).

    ``technicians``: the technicians' OS accounts (None for a missing one,
    reported by the account check); with none, the program is judged by the
    ``others`` bits. ``accounts``: the passwd and group files, for the
    groups' names.
    """
    what = _("ssh ForceCommand")
    everyone = list(technicians)
    techs = [a for a in everyone if a is not None]
    forced, unreadable = _force_commands(root)
    if not forced:
        if not everyone:
            return Check(True, what, _("none needed: no technicians yet"))
        if unreadable:
            return cannot_check(what, unreadable)
        return Check(False, what, _(
            "no 'ForceCommand ... bbdispatch' in sshd_config: technicians would get a shell; "
            "see docs/deploy-ssh.md"))  # fmt: skip
    for f in forced:
        if not f.matched:
            return Check(False, what, _(
                "{config}: '{line}' is under no Match line, so sshd forces it on every "
                "login, dispatchers and admins too; put it under 'Match Group {tech}' "
                "(docs/deploy-ssh.md)").format(
                config=f.path, line=f.line, tech=TECH_GROUP))  # fmt: skip
    known = accounts or Accounts(root)
    for account in techs:
        if not any(f.covers(account, known) for f in forced):
            first = forced[0]
            named = [*first.groups, *first.users]
            group = next((g for g in first.groups if g in known.group_names.values()), None)
            fix = (
                _("run: usermod -aG {group} {login}").format(group=group, login=account.login)
                if group is not None
                else _("name the technicians' group there: 'Match Group {tech}'").format(
                    tech=TECH_GROUP
                )
            )
            return Check(False, what, _(
                "{config}: the Match line over the ForceCommand ({named}) does not cover "
                "technician {login}: over ssh they would get a shell; {fix} "
                "(docs/deploy-ssh.md)").format(
                config=first.path, named=", ".join(named) or "-", login=account.login,
                fix=fix))  # fmt: skip
    return _force_command(root, forced[0].path, forced[0].line, techs or [ANYONE], db_path)


def _force_command(
    root: Path, config: Path, line: str, accounts: list[Account], db_path: Path | None = None
) -> Check:
    """The ForceCommand's program exists, every technician may run it, on the right database.

    The program is read under ``root``; the command it runs must be
    ``bbdispatch tech`` on ``db_path`` (when given).
    """
    what = _("ssh ForceCommand")
    command = line.replace("=", " ", 1).split(None, 1)[1] if " " in line else ""
    try:
        program = shlex.split(command)[0]
    except (IndexError, ValueError):
        program = ""
    if not program.startswith("/"):
        problem = _database_problem(command, {}, db_path)
        if problem is not None:
            return Check(False, what, f"{config}: {line}: {problem}")
        return Check(True, what, f"{config}: {line}")
    walked = walk_links(root, program)
    target = root / (walked[1] if walked is not None else program).lstrip("/")
    if not program_exists(root, program):
        return Check(False, what, _(
            "{config}: {program} does not exist: technicians' logins would fail; "
            "create it as docs/deploy-ssh.md says").format(
            config=config, program=program))  # fmt: skip
    for account in accounts:
        problem = run_problem(root, program, account)
        if problem is not None:
            return Check(False, what, problem)
    try:
        head = target.read_text(encoding="utf-8", errors="replace")
    except OSError:
        head = ""
    script = head.partition("\n")[2] if head.startswith("#!") else command
    problem = _database_problem(script, {}, db_path)
    if problem is not None:
        return Check(False, what, f"{program}: {problem}")
    return Check(True, what, f"{config}: {line}")


def _database_problem(script: str, env: dict[str, str], db_path: Path | None) -> str | None:
    """Why a wrapper (or a ForceCommand line) does not run ``bbdispatch tech`` on ``db_path``.

    None when it does, when ``db_path`` is not known, or when no ``bbdispatch
    … tech`` is found in it (a wrapper written some other way is not judged).
    ``BBDISPATCH_DB`` set in the script (``export``, a prefix) and simple
    ``$NAME`` variables set in it are followed.
    """
    if db_path is None:
        return None
    words = shell_words(script)
    names = dict(env)
    for at, word in enumerate(words):
        if word == "export":
            continue
        if ENV_ASSIGNMENT.match(word):
            name, _eq, value = word.partition("=")
            names[name] = expand_variables(value, names)
            continue
        if Path(word).name != "bbdispatch":
            continue
        args = command_args(words, at)
        if "tech" not in args:
            continue
        named = named_database(
            args, names.get("BBDISPATCH_DB"), lambda w: expand_variables(w, names)
        )
        return wrong_database(
            named,
            db_path,
            _(
                "it names no database (no --db, no BBDISPATCH_DB), so each technician would "
                "open their own default one; add --db {db}"
            ),
            _(
                "it runs bbdispatch tech on {other}, not on {db} (the database checked here); "
                "correct --db in it, or run doctor with --db {other}"
            ),
        )
    return None
