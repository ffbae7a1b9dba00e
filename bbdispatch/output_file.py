"""Files named with ``--output``: written whole beside the target, then put in place.

Every command that writes a file the person named (``report statement``,
``report itadmin``, ``backup``) goes through :class:`PendingOutput`, so they
all follow one rule:

* only a regular file is ever replaced (and only when asked): a device
  (``/dev/full``), a symbolic link, a pipe, a socket or a folder is refused
  before anything is written or issued;
* the content goes into a fresh temporary file of our own in the same folder
  (``O_EXCL``, private from its first byte), flushed to the disk, and is then
  renamed over the target in one step: a reader sees the old file or the new
  one, never half of it, and a failure leaves the old one as it was.

The name is checked again right before the rename, so a file swapped for a
link or a device meanwhile is refused too.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from types import TracebackType

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _

DOCUMENT_MODE = 0o600
"""Statements and reports hold clients' data: owner only, whatever the umask."""


class OutputRefused(DomainError):
    """The ``--output`` name is not a regular file (a device, link, pipe, folder).

    Nothing was written and nothing was done; the command exits 2 (the name is
    wrong, as with a bad argument). The message asks for a new file and
    promises nothing about replacing one: ``backup`` never replaces a file,
    ``report`` only with ``--force`` (its own message says so).
    """

    def __init__(self, path: Path) -> None:
        super().__init__(
            _("{path} is not a regular file (it is {kind}): name a new file.").format(
                path=path, kind=_kind(path)
            )
        )
        self.path = path


class OutputExists(DomainError):
    """The ``--output`` file exists and replacing it was not asked for."""

    def __init__(self, path: Path) -> None:
        super().__init__(_("{path} exists already; name another file.").format(path=path))
        self.path = path


class OutputFailed(DomainError):
    """The file could not be written or put in place (no such folder, a full disk).

    Attributes:
        path: the ``--output`` name.
        reason: the system's words for what failed (``No such file or directory``).
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(_("cannot write {path}: {err}").format(path=path, err=reason))
        self.path = path
        self.reason = reason


def _kind(path: Path) -> str:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return _("gone")
    if stat.S_ISLNK(mode):
        return _("a symbolic link")
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISFIFO(mode):
        return _("a pipe")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a special file")


def check_target(path: Path, *, replace: bool) -> None:
    """Refuse a name that may not be written: anything but a missing or a regular file.

    Args:
        path: the ``--output`` name (never followed if it is a link).
        replace: whether an existing regular file may be replaced (``--force``).

    Raises:
        OutputRefused: the name is a link, device, pipe, socket or folder.
        OutputExists: a regular file is there and ``replace`` is False.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # an unreachable folder: writing fails with its own clear line
    if not stat.S_ISREG(st.st_mode):
        raise OutputRefused(path)
    if not replace:
        raise OutputExists(path)


class PendingOutput:
    """One ``--output`` file on its way: a private temporary file, then its real name.

    Use :meth:`create` (checks the name, makes the temporary file), then
    :meth:`write` any number of times, then :meth:`finish` to put it in place;
    :meth:`discard` (or leaving a ``with`` block by an error) removes it.
    ``temp`` is the temporary file's path, for writers that fill it themselves
    (SQLite's ``VACUUM INTO`` accepts an empty file and keeps its mode).
    """

    def __init__(self, path: Path, temp: Path, replace: bool) -> None:
        self.path = path
        self.temp = temp
        self.replace = replace
        self._done = False

    @classmethod
    def create(
        cls, path: Path | str, *, replace: bool = False, mode: int = DOCUMENT_MODE
    ) -> PendingOutput:
        """Check the name and make the temporary file beside it (mode ``mode`` from birth).

        Raises:
            OutputRefused: the name is not a regular file.
            OutputExists: it exists and ``replace`` is False.
            OutputFailed: the folder does not exist or refuses new files.
        """
        import tempfile  # only writing a file needs it; ``ring`` imports this module too

        target = Path(path)
        check_target(target, replace=replace)
        try:
            fd, name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
            )
        except OSError as err:
            raise OutputFailed(target, err.strerror or str(err)) from err
        try:
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        return cls(target, Path(name), replace)

    def write(self, data: str | bytes) -> None:
        """Append ``data`` (text as UTF-8, line ends kept) and flush it to the disk.

        Raises:
            OutputFailed: the disk is full or refuses.
        """
        raw = data.encode("utf-8") if isinstance(data, str) else data
        try:
            with open(self.temp, "ab") as out:
                out.write(raw)
                out.flush()
                os.fsync(out.fileno())
        except OSError as err:
            raise OutputFailed(self.path, err.strerror or str(err)) from err

    def finish(self) -> None:
        """Put the file in place in one step (replacing a regular file only if allowed).

        Raises:
            OutputRefused: the name became a link, device, pipe or folder meanwhile.
            OutputExists: a file appeared under the name meanwhile (no ``replace``).
            OutputFailed: the rename failed.
        """
        try:
            check_target(self.path, replace=self.replace)
            try:
                if self.replace:
                    os.replace(self.temp, self.path)
                else:
                    try:
                        os.link(self.temp, self.path)  # fails if the name was taken meanwhile
                    except FileExistsError:
                        check_target(self.path, replace=False)
                        raise
                    self.temp.unlink()
            except OSError as err:
                raise OutputFailed(self.path, err.strerror or str(err)) from err
            self._done = True
            with contextlib.suppress(OSError):
                folder = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(folder)
                finally:
                    os.close(folder)
        finally:
            if not self._done:
                self.discard()

    def discard(self) -> None:
        """Remove the temporary file (and SQLite's leftovers of it); the target is untouched."""
        for leftover in (self.temp, Path(f"{self.temp}-journal"), Path(f"{self.temp}-wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def __enter__(self) -> PendingOutput:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        err: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None or not self._done:
            self.discard()


def write_output(
    path: Path | str, data: str | bytes, *, replace: bool = False, mode: int = DOCUMENT_MODE
) -> None:
    """Write a whole file named with ``--output`` by :class:`PendingOutput`'s rule.

    Raises:
        OutputRefused: the name is not a regular file (exit 2 on the command line).
        OutputExists: it exists and ``replace`` is False.
        OutputFailed: the folder or the disk refused.
    """
    with PendingOutput.create(path, replace=replace, mode=mode) as pending:
        pending.write(data)
        pending.finish()
