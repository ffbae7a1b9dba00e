"""Where bbdispatch finds its reference data and its database."""

import os
from pathlib import Path

from bbdispatch.database_url import is_postgres_url, looks_like_url, parse_database_url

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
    return is_postgres_url(target)


def database_target(explicit: str | None = None) -> Path | str:
    """What to open: a ``postgresql://USER@HOST:PORT/DB`` URL as given, else a file path.

    ``--db``, else ``BBDISPATCH_DB``, else the file in the user data dir. Anything
    written as a URL (``scheme://``) is checked by
    :func:`~bbdispatch.database_url.parse_database_url`, the one parser of
    database URLs, for every command and the TUIs alike.

    Raises:
        DatabaseUrlError: the URL is malformed or of a scheme bbdispatch does not
            open; the message names ``--db`` or ``BBDISPATCH_DB`` and the wrong part.
    """
    chosen = explicit or os.environ.get("BBDISPATCH_DB")
    if looks_like_url(chosen):
        parse_database_url(str(chosen), "--db" if explicit else "BBDISPATCH_DB")
        return str(chosen)
    return default_db_path(explicit)


def pg_side_folder(url: str) -> Path:
    """This machine's folder for a PostgreSQL database's side files (ring spool, audit seal).

    Named after the server(s), port(s) and database, under the user data dir.

    Raises:
        DatabaseUrlError: ``url`` is malformed (:func:`database_target` checks it first).
    """
    from platformdirs import user_data_dir  # only here and for a default path (see below)

    parsed = parse_database_url(url)
    hosts = parsed.hosts or (("local", None),)
    servers = ",".join(f"{host or 'local'}_{port or 5432}" for host, port in hosts)
    name = f"{servers}_{parsed.database}"
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
