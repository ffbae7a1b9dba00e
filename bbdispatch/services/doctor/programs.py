"""Whether an OS account can run a program: folders on the way, symlinks, scripts."""

from __future__ import annotations

import os
import posixpath
import shlex
import stat
from pathlib import Path, PurePosixPath

from bbdispatch.i18n import _
from bbdispatch.services.doctor.accounts import Account, allows
from bbdispatch.services.doctor.system_files import shell_words


def walk_links(root: Path, program: str) -> tuple[list[str], str] | None:
    """The folders the kernel passes to reach ``program``, and the file it ends at.

    Each symbolic link on the way (the file's or a folder's) is read under
    ``root`` and followed, as the kernel would: an absolute target starts again
    at ``/``, a relative one in the link's folder. The folders are absolute
    paths, in the order they are passed (``/`` first). None for a loop.
    """
    parts = list(PurePosixPath(program).parts[1:])
    current = "/"
    folders: list[str] = []
    hops = 0
    while parts:
        name = parts.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            current = posixpath.dirname(current) or "/"
            continue
        folders.append(current)
        candidate = posixpath.join(current, name)
        try:
            link = os.readlink(root / candidate.lstrip("/"))
        except OSError:
            current = candidate
            continue
        hops += 1
        if hops > MAX_LINKS:
            return None
        if link.startswith("/"):
            current = "/"
            parts = list(PurePosixPath(link).parts[1:]) + parts
        else:
            parts = list(PurePosixPath(link).parts) + parts
    return list(dict.fromkeys(folders)), current


def program_exists(root: Path, program: str) -> bool:
    """Whether ``program`` (absolute) is a file under ``root``, symlinks read under ``root``."""
    walked = walk_links(root, program)
    return walked is not None and (root / walked[1].lstrip("/")).is_file()


MAX_LINKS = 16
"""Symbolic links followed on the way to one program before giving up (a loop)."""


def run_problem(root: Path, program: str, account: Account, depth: int = 0) -> str | None:
    """Why ``account`` cannot run ``program`` (an absolute path under ``root``), or None.

    As the kernel decides for that account's uid and groups: every folder on
    the way must let it pass (``x``), the file must be executable, and a
    script also readable. A script's interpreter (``#!``) and the bbdispatch
    programs it runs by full path (a wrapper's ``exec /opt/.../bbdispatch``,
    whose own ``#!`` is the venv's Python) are judged the same way, so a venv
    under root's home (``/root``, 700) is found behind a wrapper in
    ``/usr/local/bin``. Symbolic links, of the file or of a folder on the way,
    are followed (read under ``root``) and every folder they lead through is
    judged too: a venv's ``bin/python`` links to the interpreter it was made
    from, which may sit under a private folder (``/root/.pyenv``).
    """
    who = account.login or _("an account other than its owner and group")
    walked = walk_links(root, program)
    if walked is None:
        return _("{program} is a loop of symbolic links").format(program=program)
    folders, resolved = walked
    target = root / resolved.lstrip("/")
    for part in folders:
        if part == "/":
            continue
        try:
            info = (root / part.lstrip("/")).stat()
        except OSError:
            continue
        if not allows(info, account, 1):
            mode = stat.S_IMODE(info.st_mode)
            if resolved != program:
                return _(
                    "{who} cannot run {via}: it links to {program}, and {folder} is {mode:o}, "
                    "which does not let them through; make the venv from a Python every "
                    "technician can reach: /usr/bin/python3 -m venv /opt/bbdispatch/venv "
                    "(docs/deploy-ssh.md)"
                ).format(who=who, via=program, program=resolved, folder=part, mode=mode)
            return _(
                "{who} cannot run {program}: {folder} is {mode:o} and does not let them "
                "through; install bbdispatch where every technician can reach it, e.g. "
                "python3 -m venv /opt/bbdispatch/venv (docs/deploy-ssh.md)"
            ).format(who=who, program=program, folder=part, mode=mode)
    try:
        info = target.stat()
        with target.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return _("{program} does not exist or cannot be run").format(program=program)
    script = head.startswith(b"#!")
    need = 5 if script else 1  # a script is read by its interpreter, as the account
    if not allows(info, account, need):
        return _("{who} cannot run {program}: it is {mode:o}; run: chmod 755 {q}").format(
            who=who, program=program, mode=stat.S_IMODE(info.st_mode), q=shlex.quote(program)
        )
    if not script or depth >= 3:
        return None
    text = target.read_text(encoding="utf-8", errors="replace")
    first, _nl, rest = text.partition("\n")
    interpreter = first[2:].split()
    nested = [interpreter[0]] if interpreter and interpreter[0].startswith("/") else []
    nested += [
        word for word in shell_words(rest)
        if word.startswith("/") and Path(word).name == "bbdispatch"
    ]  # fmt: skip
    for inner in dict.fromkeys(nested):
        walked = walk_links(root, inner)
        if walked is None or os.path.lexists(root / walked[1].lstrip("/")):
            problem = run_problem(root, inner, account, depth + 1)
            if problem is not None:
                return problem
    return None
