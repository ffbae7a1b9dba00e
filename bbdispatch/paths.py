"""Where bbdispatch finds its reference data and its database."""

import os
from pathlib import Path

from platformdirs import user_data_dir

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


def default_db_path(explicit: str | None = None) -> Path:
    """Resolve the database path: ``--db``, else ``BBDISPATCH_DB``, else the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get("BBDISPATCH_DB")
    if from_env:
        return Path(from_env).expanduser()
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "bbdispatch.db"
