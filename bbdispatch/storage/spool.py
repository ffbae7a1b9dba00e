"""The ring spool: calls the phone system reported while the database could not take them.

One small JSON file per call in a folder beside the database
(``<db>.ring-spool/``), written under a temporary name and renamed, so a
reader never sees half a file and two ``ring`` processes never write the same
file. Replaying deletes each file right after its call is committed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bbdispatch.clock import from_db, to_db

SPOOL_DIR_MODE = 0o2770
"""Group-shared like the database's folder: any dispatcher's process may replay."""


@dataclass(frozen=True)
class SpooledRing:
    """A call waiting in the spool.

    Attributes:
        path: its file (deleted once the call is in the database).
        number: the number as the phone system sent it.
        received_at: when the phone system reported it (aware, UTC).
    """

    path: Path
    number: str
    received_at: datetime


def spool_dir(db_path: Path) -> Path:
    """The spool folder of a database."""
    return db_path.with_name(f"{db_path.name}.ring-spool")


def make_spool_dir(db_path: Path) -> Path:
    """The spool folder of a database, made ``2770`` (setgid, group-writable) if missing.

    The phone system's account and every dispatcher's process write and empty
    it, as they do the database (``docs/deploy-ssh.md``: a setgid folder, files
    ``0660``), so its mode is set outright after ``mkdir``: the umask (``022``
    gives ``0750``, ``077`` gives ``0700``) and Linux's ``mkdir`` (which drops
    the setgid bit) would otherwise lock the others out. A folder made earlier
    by someone else is left as it is (only its owner may change it).

    Raises:
        NotADirectoryError: something that is no folder has the spool's name
            (its path is the error's ``filename``).
        OSError: the folder cannot be created.
    """
    import errno

    folder = spool_dir(db_path)
    try:
        folder.mkdir()
    except FileExistsError:
        if not folder.is_dir():
            raise NotADirectoryError(
                errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)
            ) from None
        return folder
    os.chmod(folder, SPOOL_DIR_MODE)
    return folder


def spool_ring(db_path: Path, number: str, received_at: datetime) -> Path:
    """Queue one call; returns its file.

    Raises:
        OSError: the folder cannot be created or written (the caller says so).
    """
    import json
    import secrets

    folder = make_spool_dir(db_path)
    stamp = to_db(received_at).replace(":", "")
    name = f"{stamp}-{os.getpid()}-{secrets.token_hex(4)}.json"
    partial = folder / f".{name}.partial"
    data = json.dumps({"number": number, "received_at": to_db(received_at)})
    with open(partial, "w", encoding="utf-8") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(partial, 0o660)
    final = folder / name
    partial.rename(final)
    return final


CLAIM_STALE_SECONDS = 60.0
"""A call claimed this long ago by a process that never logged it (killed) is queued again."""


def spooled_rings(db_path: Path) -> list[SpooledRing]:
    """Calls waiting in the spool, oldest first (unreadable files are left for a person).

    A call another process has claimed (:func:`claim`) is not among them, unless
    the claim is older than :data:`CLAIM_STALE_SECONDS` (its process died).
    """
    import json
    import time

    folder = spool_dir(db_path)
    if not folder.is_dir():
        return []
    paths = list(folder.glob("*.json"))
    now = time.time()
    for claimed in folder.glob(".*.claimed"):
        try:  # a rename sets the claim's ctime: the time it was claimed
            if now - claimed.stat().st_ctime > CLAIM_STALE_SECONDS:
                paths.append(claimed)
        except OSError:
            continue
    found: list[SpooledRing] = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append(SpooledRing(path, str(data["number"]), from_db(data["received_at"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda ring: (ring.received_at, ring.path.name))


def _queued_name(path: Path) -> str:
    """The queued file's own name (``<time>-<pid>-<random>.json``), claimed or not."""
    return path.name.lstrip(".").split(".json", 1)[0] + ".json"


def claim(ring: SpooledRing) -> SpooledRing | None:
    """Take a queued call for this process alone, before logging it; None: another took it.

    Two processes replaying at once (two ``ring`` calls, a dispatcher) would
    otherwise both log it. The claim is a rename, which one process alone wins;
    the claimed file is :func:`forget`-ten once the call is in the database, or
    :func:`release`-d if logging it failed.
    """
    import secrets

    claimed = ring.path.with_name(
        f".{_queued_name(ring.path)}.{os.getpid()}-{secrets.token_hex(4)}.claimed"
    )
    try:
        ring.path.rename(claimed)
    except FileNotFoundError:
        return None
    return SpooledRing(claimed, ring.number, ring.received_at)


def release(ring: SpooledRing) -> None:
    """Queue a claimed call again (logging it failed): the next replay takes it."""
    ring.path.rename(ring.path.with_name(_queued_name(ring.path)))


def forget(ring: SpooledRing) -> None:
    """Delete a replayed call's file."""
    ring.path.unlink(missing_ok=True)
