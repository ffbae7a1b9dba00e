"""Gettext for every user-visible string, and the choice of language.

Strings are written in English in the code and looked up in the catalogue of
the chosen language (``bbdispatch/locale/<lang>/LC_MESSAGES/bbdispatch.po``,
compiled to ``.mo`` when the package is built; see ``docs/translating.md``).

Which language (:func:`resolve_language`), first that applies:

1. ``--lang pl|en`` on the command line;
2. the session's locale, read as gettext reads it: the first of ``LANGUAGE``,
   ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set, when it names a language
   we have (so a technician over SSH gets what their session asks for);
3. the firm's setting in the database (``bbdispatch language pl``), for
   sessions whose locale asks for nothing we have (``C``, ``POSIX``, unset);
4. English.

Translation is looked up when a text is shown, never when a module is
imported: texts that live at module or class level (binding descriptions,
label tables) are marked with :func:`N_` and passed through :func:`_` where
they are shown. A test keeps it so.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Hashable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

LANGUAGES = ("en", "pl")
"""The languages bbdispatch speaks; English is the one written in the code."""
DEFAULT_LANGUAGE = "en"
"""Used when nothing asks for another."""
DOMAIN = "bbdispatch"
"""The gettext domain: the catalogue's file name."""
LOCALE_DIR = Path(__file__).parent / "locale"
"""Where the catalogues live inside the package."""
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""The environment variables gettext reads, in its order."""
BABEL_LOCALES = {"en": "en_GB", "pl": "pl_PL"}
"""The Babel locale that formats numbers, money and dates for each language."""

_translations: dict[str, gettext.NullTranslations] = {}
_current: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE
_asked: str | None = None


def _(message: str) -> str:
    """Translate a user-visible message into the chosen language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on a count (Polish has three forms)."""
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a short message whose meaning depends on what it describes.

    ``pgettext("contract", "closed")`` and ``pgettext("job", "closed")`` are one
    word in English but differ in Polish (*zamknięta umowa*, *zamknięte zlecenie*).
    """
    return _current.pgettext(context, message)


def gettext_in(language: str, message: str) -> str:
    """Translate ``message`` into ``language`` whatever the session speaks.

    For texts that always have one language, as client documents are Polish.
    """
    return _load(language if language in LANGUAGES else DEFAULT_LANGUAGE).gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a text for the catalogue without translating it yet.

    For texts defined at import time (a binding's description, a table of
    labels); they are translated with :func:`_` where they are shown.
    """
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 - the gettext convention
    """Like :func:`N_`, for a text translated later with :func:`pgettext` in ``context``."""
    return message


class Labels(Mapping[K, str]):
    """A table of short labels (status, mode, weekday names) translated when read.

    Tables like this are built at import time, before the language is known;
    keeping the English texts (marked with :func:`N_`, or :func:`NP_` and a
    ``context``) and translating on every lookup makes them follow the language
    wherever they are shown.
    """

    def __init__(self, texts: Mapping[K, str], context: str | None = None) -> None:
        self._texts = dict(texts)
        self._context = context

    def __getitem__(self, key: K) -> str:
        text = self._texts[key]
        return pgettext(self._context, text) if self._context else _(text)

    def in_language(self, key: K, language: str) -> str:
        """The label of ``key`` in ``language`` whatever the session speaks (``"pl"``, ``"en"``).

        The command line accepts a choice in either language
        (:class:`bbdispatch.commands.choice.Choice`).
        """
        catalogue = _load(language if language in LANGUAGES else DEFAULT_LANGUAGE)
        text = self._texts[key]
        return catalogue.pgettext(self._context, text) if self._context else catalogue.gettext(text)

    def __iter__(self) -> Iterator[K]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def current_language() -> str:
    """The language texts are translated into now: ``"en"`` or ``"pl"``."""
    return _language


def babel_locale() -> str:
    """The Babel locale of the current language (``"pl_PL"``, ``"en_GB"``)."""
    return BABEL_LOCALES[_language]


def set_language(language: str) -> None:
    """Translate every text from now on into ``language`` (one of :data:`LANGUAGES`).

    Raises:
        ValueError: for a language bbdispatch does not speak.
    """
    global _current, _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language: {language!r} (use {', '.join(LANGUAGES)})")
    _current = _load(language)
    _language = language


LANGUAGE_WORDS = {"polski": "pl", "polish": "pl", "english": "en", "angielski": "en"}
"""The words ``--lang`` takes beside the codes (as the command line's choices do)."""


def requested_language(value: str | None) -> str | None:
    """``--lang`` as a language code: any case, the code, its name or a locale.

    ``PL``, ``Polski``, ``pl_PL``, ``en_GB.UTF-8``: what ``LANG`` takes, ``--lang`` takes.
    """
    if value is None:
        return None
    word = value.strip().lower()
    if word in LANGUAGE_WORDS:
        return LANGUAGE_WORDS[word]
    for separator in "_.@-":  # a locale's language is its first part
        word = word.split(separator, 1)[0]
    return word


def choose_language(requested: str | None, environ: Mapping[str, str] | None = None) -> str:
    """Set the language from ``--lang`` and the locale, before anything is shown.

    Remembers whether either asked for a language, so that
    :func:`apply_firm_language` knows whether the firm's setting may decide.
    Returns the language chosen.
    """
    global _asked
    requested = requested_language(requested)
    _asked = requested if requested in LANGUAGES else language_from_locale(environ)
    set_language(_asked or DEFAULT_LANGUAGE)
    return _language


def asked_language() -> str | None:
    """The language ``--lang`` or the locale asked for at :func:`choose_language`, if any."""
    return _asked


def apply_firm_language(firm: str | None) -> None:
    """Use the firm's language when neither ``--lang`` nor the locale asked for one."""
    if _asked is None and firm in LANGUAGES:
        assert firm is not None
        set_language(firm)


def language_from_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the session's locale asks for, or ``None`` if it asks for none we have.

    Reads the variables as gettext does: the first of ``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG`` that is set decides; ``LANGUAGE`` may list several
    (``de:pl``), the first we have wins. ``C`` and ``POSIX`` ask for nothing.
    """
    env = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = env.get(variable, "")
        if not value:
            continue
        for item in value.split(":"):
            language = item.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
            if language in LANGUAGES:
                return language
        return None
    return None


def resolve_language(
    requested: str | None,
    firm: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Pick the language: ``--lang``, then the locale, then the firm's setting, then English."""
    for candidate in (requested_language(requested), language_from_locale(environ), firm):
        if candidate in LANGUAGES:
            assert candidate is not None
            return candidate
    return DEFAULT_LANGUAGE


def _load(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``, read once per process."""
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    if language not in _translations:
        folder = LOCALE_DIR / language / "LC_MESSAGES"
        mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            # A checkout whose catalogue changed since the last build: compile in memory.
            _translations[language] = gettext.GNUTranslations(io.BytesIO(compile_po(po)))
        elif mo.exists():
            with mo.open("rb") as handle:
                _translations[language] = gettext.GNUTranslations(handle)
        else:
            _translations[language] = gettext.NullTranslations()
    return _translations[language]


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` catalogue (fuzzy entries left out), via Babel."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()
