"""Gettext hook for every user-visible string.

Strings are written in English in the code; a Polish catalogue can be dropped
into ``bbdispatch/locale/pl/LC_MESSAGES/bbdispatch.mo`` without touching any
screen.
"""

import gettext
from pathlib import Path

_LOCALE_DIR = Path(__file__).parent / "locale"
_translation = gettext.translation("bbdispatch", localedir=_LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    """Translate a user-visible message into the user's language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on a count."""
    return _translation.ngettext(singular, plural, n)
