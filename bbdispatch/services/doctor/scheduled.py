"""Scheduled runs: the cron lines and systemd timers for ``schedule run`` and ``backup``."""

from __future__ import annotations

import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bbdispatch.domain.labels import ROLE_LABEL
from bbdispatch.domain.people import Role
from bbdispatch.domain.rights import ACTION_TEXT, Action, Principal, allowed
from bbdispatch.i18n import _
from bbdispatch.services.doctor.accounts import Accounts
from bbdispatch.services.doctor.check import Check, cannot_check
from bbdispatch.services.doctor.system_files import (
    ENV_ASSIGNMENT,
    Unreadable,
    command_args,
    file_lines,
    matching_files,
    named_database,
    shell_words,
    wrong_database,
)

CRON_PATH = ("/usr/bin", "/bin")
"""Where cron finds a program named without a folder (its default PATH)."""


SYSTEMD_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
"""Where systemd finds an ``ExecStart`` program named without a folder."""


@dataclass(frozen=True)
class _Job:
    """A line that would run bbdispatch: where it is and what it names."""

    path: Path
    line: str
    words: list[str]
    env: dict[str, str]
    search: tuple[str, ...]
    timer: bool = True
    """False for a systemd service that no enabled timer starts."""
    user: str = "root"
    """The account it runs as: a cron line's user field, a crontab's owner, ``User=``."""


def _cron_jobs(path: Path, lines: list[str], has_user: bool) -> list[_Job]:
    """The lines of a cron file that run something, with the account each runs as.

    With ``has_user`` (``/etc/crontab``, ``/etc/cron.d``) the sixth field names
    the account, else the file is that account's crontab (named after it).
    """
    env: dict[str, str] = {}
    jobs: list[_Job] = []
    for line in lines:
        first = line.split(None, 1)[0]
        if ENV_ASSIGNMENT.match(first) and not first[0].isdigit():
            key, _sep, value = line.partition("=")
            env[key.strip()] = value.strip().strip("'\"")
            continue
        fields = (1 if first.startswith("@") else 5) + (1 if has_user else 0)
        parts = line.split(None, fields)
        if len(parts) <= fields:
            continue
        search = tuple(env["PATH"].split(":")) if "PATH" in env else CRON_PATH
        user = parts[fields - 1] if has_user else path.name
        jobs.append(_Job(path, line, shell_words(parts[fields]), dict(env), search, user=user))
    return jobs


def _systemd_jobs(root: Path, path: Path, lines: list[str]) -> list[_Job]:
    env: dict[str, str] = {}
    commands: list[tuple[str, str]] = []
    user = "root"
    for line in lines:
        key, _sep, value = line.partition("=")
        if key.strip() == "User":
            user = value.strip() or "root"
        elif key.strip() == "Environment":
            for item in shell_words(value):
                name, _eq, val = item.partition("=")
                env[name] = val
        elif key.strip() in {"ExecStart", "ExecStartPre", "ExecStartPost"}:
            commands.append((line, value.strip().lstrip("-@:+!")))
    timer = f"{path.stem}.timer"
    enabled = (root / "etc/systemd/system/timers.target.wants" / timer).exists()
    return [
        _Job(path, line, shell_words(cmd), env, SYSTEMD_PATH, enabled, user)
        for line, cmd in commands
    ]


def _program_problem(root: Path, program: str, search: tuple[str, ...]) -> str | None:
    """Why ``program`` cannot run from this line, or None when it can."""
    if "/" in program:
        candidates = [program] if program.startswith("/") else []
    else:
        candidates = [f"{folder.rstrip('/')}/{program}" for folder in search]
    for candidate in candidates:
        target = root / candidate.lstrip("/")
        if target.is_file() and stat.S_IMODE(target.stat().st_mode) & 0o111:
            return None
    if "/" in program:
        return _("{program} does not exist or cannot be run").format(program=program)
    return _(
        "{program} is not in {path} (the PATH this line runs with); write the full path "
        "(e.g. /opt/bbdispatch/venv/bin/bbdispatch)"
    ).format(program=program, path=":".join(search))


def _job_problem(
    root: Path,
    job: _Job,
    db_path: Path,
    task: str,
    may_run: Callable[[str], str | None] | None = None,
) -> str | None:
    """Why a line that runs ``bbdispatch … task`` does not do it for this database, or None.

    ``may_run``: why an account may not run the task (None when it may); the
    account is the line's (:attr:`_Job.user`), or the one a ``runuser -u`` or
    ``sudo -u`` on the line switches to.
    """
    words = job.words
    env = dict(job.env)
    user = job.user
    for at, word in enumerate(words):
        if Path(word).name != "bbdispatch" and not word.endswith("/bbdispatch"):
            if ENV_ASSIGNMENT.match(word):
                name, _eq, value = word.partition("=")
                env[name] = value
            elif word in {";", "&&", "||", "|", "&"}:
                env = dict(job.env)
            elif (
                word == "-u"
                and 0 < at < len(words) - 1
                and Path(words[at - 1]).name in {"runuser", "sudo"}
            ):
                user = words[at + 1]
            continue
        args = command_args(words, at)
        wanted = task.split()
        if not any(args[i : i + len(wanted)] == wanted for i in range(len(args))):
            continue
        problem = _program_problem(root, word, job.search)
        if problem is not None:
            return problem
        named = named_database(args, env.get("BBDISPATCH_DB"))
        wrong = wrong_database(
            named,
            db_path,
            _(
                "it names no database (no --db, no BBDISPATCH_DB), so it runs its user's own "
                "default one; add --db {db}"
            ),
            _("it runs on {other}, not on {db}"),
        )
        if wrong is not None:
            return wrong
        refused = may_run(user) if may_run is not None else None
        if refused is not None:
            return refused
        if not job.timer:
            return _("no enabled timer starts it; run: systemctl enable --now {timer}").format(
                timer=f"{job.path.stem}.timer"
            )
        return None
    return ""


def check_scheduled(
    root: Path,
    db_path: Path,
    task: str,
    doc: str,
    may_run: Callable[[str], str | None] | None = None,
) -> Check:
    """A cron line or a timer's systemd service runs ``bbdispatch … <task>`` on this database.

    The program must exist. Lines are read as cron and systemd read them: a commented-out line, a
    shell comment, another ``--db`` or ``BBDISPATCH_DB``, or a program not on
    the line's PATH is not a scheduled run; the first such mistake is named.
    ``may_run`` judges the account the line runs as (:func:`runner_judge`): a
    technician or ``nobody`` is refused by bbdispatch every time it runs.
    """
    what = _("scheduled '{task}'").format(task=task)
    jobs: list[_Job] = []
    unreadable: list[Path] = []
    for patterns, has_user in (
        (["etc/crontab", "etc/cron.d/*"], True),
        (["var/spool/cron/crontabs/*", "var/spool/cron/*"], False),
    ):
        files, cannot = matching_files(root, patterns)
        unreadable += cannot
        for path in files:
            try:
                jobs += _cron_jobs(path, file_lines(path), has_user)
            except Unreadable as err:
                unreadable.append(err.path)
    files, cannot = matching_files(
        root, ["etc/systemd/system/*.service", "lib/systemd/system/*.service"]
    )
    unreadable += cannot
    for path in files:
        try:
            jobs += _systemd_jobs(root, path, file_lines(path))
        except Unreadable as err:
            unreadable.append(err.path)
    wrong: list[tuple[_Job, str]] = []
    for job in jobs:
        problem = _job_problem(root, job, db_path, task, may_run)
        if problem is None:
            return Check(True, what, f"{job.path}: {job.line}")
        if problem:
            wrong.append((job, problem))
    if wrong:
        job, problem = wrong[0]
        return Check(False, what, _("{path}: {line}: {problem}; see {doc}").format(
            path=job.path, line=job.line, problem=problem, doc=doc))  # fmt: skip
    if unreadable:
        return cannot_check(what, unreadable)
    return Check(False, what, _("no cron line or systemd timer runs it; see {doc}").format(doc=doc))


def runner_judge(
    roles: dict[str, Role], accounts: Accounts, action: Action
) -> Callable[[str], str | None]:
    """Why an OS account may not run ``action`` from cron or systemd (None when it may).

    As bbdispatch decides when the line runs (``docs/rights.md``): root acts
    as an admin; any other account must be a person whose role the rule table
    allows (``schedule run``: dispatcher or admin; ``backup``: admin).
    """
    may = [r for r in Role if allowed(Principal.of(r), action, own=False)]
    labels = "/".join(ROLE_LABEL[r] for r in may)

    def judge(user: str) -> str | None:
        account = accounts.get(user)
        if user == "root" or (account is not None and account.uid == 0):
            return None
        role = roles.get(user)
        if role is None:
            return _(
                "it runs as {user}, who is no person of the firm, so bbdispatch refuses it "
                "every time; run it as root or as a person whose role is {roles} (docs/rights.md)"
            ).format(user=user, roles=labels)
        if role not in may:
            return _(
                "it runs as {user}, a {role}, who may not {what}, so bbdispatch refuses it "
                "every time; run it as root or as a person whose role is {roles} (docs/rights.md)"
            ).format(user=user, role=ROLE_LABEL[role], what=ACTION_TEXT[action], roles=labels)
        return None

    return judge
