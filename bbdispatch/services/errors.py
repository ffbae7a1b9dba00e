"""The errors a front end shows to the user as one message instead of failing.

Screens may not import storage, yet a busy or broken database must reach the
user as a clear line (never "database is locked" as a traceback).
"""

from __future__ import annotations

from bbdispatch.domain.errors import DomainError
from bbdispatch.storage.database import StorageError

USER_ERRORS: tuple[type[Exception], ...] = (DomainError, StorageError)
"""Catch these around a service call and show ``str(err)``."""
