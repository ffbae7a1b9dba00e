"""The firm's language for what the command line says before a command opens the database."""

from __future__ import annotations

from bbdispatch.i18n import apply_firm_language, asked_language


def firm_language_before_open(db: str | None) -> None:
    """Use the firm's language setting unless ``--lang`` or the locale asked for one.

    Read over a short read-only connection of its own (``peek_setting``), for
    text shown before the command's own connection applies the setting: the
    help, usage errors, refusals of bad arguments. A database that cannot be
    read leaves the language as it is; the command's own open reports why.

    Args:
        db: the ``--db`` option as given (None: ``BBDISPATCH_DB`` or the default).
    """
    if asked_language() is not None:
        return
    from bbdispatch.database_url import DatabaseUrlError
    from bbdispatch.paths import database_target
    from bbdispatch.storage.settings import peek_setting

    try:
        target = database_target(db)
    except DatabaseUrlError:  # a malformed URL: the command's own open says what is wrong
        return
    apply_firm_language(peek_setting(target, "language"))
