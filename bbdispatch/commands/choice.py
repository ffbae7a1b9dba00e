"""One argparse type for every choice of the command line, in English or in Polish.

``jobs status 12 zakończone``, ``jobs add --mode zdalnie``, ``--priority pilne``…
A dispatcher writes the words of the screens (``docs/glossary.md``); scripts
keep writing the stored English values. :class:`Choice` takes either, with or
without Polish letters (``zakonczone``), any case, ``_``/``-`` or a space
between words (``w toku``, ``w_toku``), and gives the handler the stored value,
so no handler changes. ``--help`` lists the choices in the session's language
with what each is (:func:`choice_help`), instead of argparse's raw
``{emergency,normal,low}``.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Mapping
from enum import Enum
from typing import Any

from bbdispatch.i18n import LANGUAGES, Labels, _, current_language, requested_language

_FOLD = str.maketrans({"ł": "l", "Ł": "l"})


def fold(word: str) -> str:
    """A word as typed, compared loosely: lower case, no accents, ``_``/``-`` as spaces."""
    text = unicodedata.normalize("NFKD", word.translate(_FOLD).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("_", " ").replace("-", " ").split())


class Choice:
    """The argparse ``type=`` of a closed set of values, read in either language.

    Args:
        values: the stored values, in the order ``--help`` lists them.
        labels: what each value is called on screen (a :class:`Labels` table
            keyed by the enum or the value); its English and Polish words are
            accepted besides the value. Without it, only the values are.
        extra: more accepted words for a value (``{"emergency": ("pilne",)}``).
        described: the labels describe the values (``md``: *Markdown text*)
            rather than name them; ``--help`` then shows ``md (tekst Markdown)``.

    Raises:
        argparse.ArgumentTypeError: on a word that is none of them; the message
            lists the choices in the session's language.
    """

    def __init__(
        self,
        values: Any,
        labels: Labels[Any] | Mapping[Any, str] | None = None,
        extra: Mapping[str, tuple[str, ...]] | None = None,
        *,
        described: bool = False,
    ) -> None:
        self._described = described
        self.values: tuple[str, ...] = tuple(
            v.value if isinstance(v, Enum) else str(v) for v in values
        )
        self._labels = labels
        self._keys = {self._value(k): k for k in (labels or {})}
        self._extra = extra or {}
        self._words: dict[str, str] | None = None
        self.__name__ = "choice"  # argparse names the type in its messages

    @staticmethod
    def _value(key: Any) -> str:
        return key.value if isinstance(key, Enum) else str(key)

    def label(self, value: str) -> str:
        """What ``value`` is called in the session's language (the value itself without labels)."""
        if self._labels is None or value not in self._keys:
            return value
        return self._labels[self._keys[value]]

    def shown(self) -> str:
        """The choices as ``--help`` and errors list them, in the session's language.

        Polish: ``awaria, zwykły, niski`` (the English values are accepted too,
        and listed in the English help: ``in progress (in_progress)``); a
        described choice: ``md (tekst Markdown)``.
        """
        parts = []
        for value in self.values:
            label = self.label(value)
            if self._described:
                parts.append(f"{value} ({label})" if label != value else value)
            elif current_language() == "en" and fold(label) != fold(value):
                parts.append(f"{label} ({value})")
            else:
                parts.append(label)
        return ", ".join(parts)

    def many(self, text: str) -> frozenset[str]:
        """The values of a comma-separated list (``sieć,sprzęt``); empty items are skipped.

        Raises:
            argparse.ArgumentTypeError: an item is none of the choices.
        """
        return frozenset(self(word) for word in text.split(",") if word.strip())

    def _all_words(self) -> dict[str, str]:
        """Every accepted word, folded, to its value; the Polish labels read only when needed.

        Built on the first word that is not a stored value, so ``ring`` and
        ``lookup`` (the phone path) never load the Polish catalogue to parse ``--lang en``.
        """
        if self._words is None:
            words: dict[str, str] = {}
            for value in self.values:
                found = [value, *self._extra.get(value, ())]
                if value in self._keys:
                    key = self._keys[value]
                    if isinstance(self._labels, Labels):
                        found += [self._labels.in_language(key, lang) for lang in LANGUAGES]
                    elif self._labels is not None:
                        found.append(self._labels[key])
                for each in found:
                    words.setdefault(fold(each), value)
            self._words = words
        return self._words

    def __call__(self, word: str) -> str:
        """The stored value ``word`` names."""
        if word in self.values:
            return word
        found = self._all_words().get(fold(word))
        if found is None:
            raise argparse.ArgumentTypeError(
                _("{word}: not one of {choices}").format(word=word, choices=self.shown())
            )
        return found


def choice_help(kind: Choice, text: str | None = None, default: str | None = None) -> str:
    """The help of a choice argument: its own text, the choices and the default, translated."""
    parts = [text] if text else []
    parts.append(_("one of: {choices}").format(choices=kind.shown()))
    if default is not None:
        parts.append(_("default: {value}").format(value=kind.label(default)))
    return "; ".join(parts).replace("%", "%%")


def add_choice(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    *names: str,
    kind: Choice,
    metavar: str,
    help: str | None = None,  # noqa: A002 - argparse's own name
    **more: Any,
) -> argparse.Action:
    """Add an argument whose value is one of ``kind``, with its metavar and translated help."""
    shown = choice_help(kind, help, more.get("default"))
    return parser.add_argument(*names, type=kind, metavar=metavar, help=shown, **more)


__all__ = ["Choice", "add_choice", "choice_help", "fold"]


def priority_choice() -> Choice:
    """A job's priority: ``awaria``/``emergency`` (also ``pilne``, ``pogotowie``), and the rest."""
    from bbdispatch.domain.jobs import Priority
    from bbdispatch.domain.labels import PRIORITY_LABEL

    return Choice(Priority, PRIORITY_LABEL, {"emergency": ("pilne", "pogotowie", "pilny")})


def mode_choice() -> Choice:
    """A job's mode: ``na miejscu``/``onsite`` (also ``on-site``), ``zdalnie``/``remote``."""
    from bbdispatch.domain.jobs import MODE_LABEL, JobMode

    return Choice(JobMode, MODE_LABEL, {"remote": ("zdalne", "zdalny")})


def category_choice() -> Choice:
    """A job's category: ``sprzęt``/``hardware``, and the rest."""
    from bbdispatch.domain.jobs import CATEGORY_LABEL, Category

    return Choice(Category, CATEGORY_LABEL)


def status_choice() -> Choice:
    """A job's status: ``zakończone``/``done``, ``w toku``/``in_progress``, and the rest."""
    from bbdispatch.domain.jobs import JobStatus
    from bbdispatch.domain.lifecycle import STATUS_LABEL

    return Choice(JobStatus, STATUS_LABEL)


def kind_choice() -> Choice:
    """A client's kind: ``firma``/``company``, ``osoba prywatna``/``private``."""
    from bbdispatch.domain.clients import ClientKind
    from bbdispatch.domain.labels import CLIENT_KIND_LABEL

    return Choice(ClientKind, CLIENT_KIND_LABEL)


def role_choice() -> Choice:
    """A person's role: ``technik``/``technician``, ``dyspozytor``, ``administrator``/``admin``."""
    from bbdispatch.domain.labels import ROLE_LABEL
    from bbdispatch.domain.people import Role

    return Choice(Role, ROLE_LABEL)


class LanguageChoice(Choice):
    """A language by its code or name, or as a locale names it (``pl_PL.UTF-8``, ``en_GB``)."""

    def __call__(self, word: str) -> str:
        """The language ``word`` names (see :func:`bbdispatch.i18n.requested_language`)."""
        return super().__call__(requested_language(word) or word)


def language_choice() -> Choice:
    """A language: ``pl`` (polski), ``en`` (English); a locale's name is taken too."""
    return LanguageChoice(
        LANGUAGES, LANGUAGE_LABEL, {"pl": ("polish",), "en": ("angielski",)}, described=True
    )


LANGUAGE_LABEL = Labels({"en": "English", "pl": "polski"})
"""Each language in its own name (not translated: a reader looks for their own)."""
