"""Where bbdispatch finds its reference data and its database."""

import os
from pathlib import Path

APP_NAME = "bbdispatch"


def reference_data_dir() -> Path:
    """Return the read-only reference data folder (price list, demo data).

    A wheel ships ``data/`` as ``bbdispatch/_data``; a checkout keeps it at the
    repository root. Nothing else in the code computes these paths.
    """
    packaged = Path(__file__).parent / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def is_database_url(target: object) -> bool:
    """Whether ``target`` (``--db``, ``BBDISPATCH_DB``) is a PostgreSQL URL, not a file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def database_target(explicit: str | None = None) -> Path | str:
    """What to open: a ``postgresql://USER@HOST:PORT/DB`` URL as given, else a file path.

    ``--db``, else ``BBDISPATCH_DB``, else the file in the user data dir.
    """
    chosen = explicit or os.environ.get("BBDISPATCH_DB")
    if is_database_url(chosen):
        return str(chosen)
    return default_db_path(explicit)


def pg_side_folder(url: str) -> Path:
    """This machine's folder for a PostgreSQL database's side files (ring spool, audit seal).

    Named after the server, port and database, under the user data dir.
    """
    from urllib.parse import urlsplit

    from platformdirs import user_data_dir  # only here and for a default path (see below)

    parts = urlsplit(url)
    name = f"{parts.hostname or 'local'}_{parts.port or 5432}_{parts.path.strip('/') or 'db'}"
    safe = "".join(c if c.isalnum() or c in "_.-" else "_" for c in name)
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "postgresql" / safe


def default_db_path(explicit: str | None = None) -> Path:
    """Resolve the database path: ``--db``, else ``BBDISPATCH_DB``, else the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get("BBDISPATCH_DB")
    if from_env:
        return Path(from_env).expanduser()
    # platformdirs costs ``ring``/``lookup`` (run with ``--db`` on every call) a
    # tenth of their start-up; only a default path needs it.
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "bbdispatch.db"
