"""Texts that argparse and Textual show in their own words, listed for the catalogue.

argparse looks its messages up through ``argparse._`` and ``argparse.ngettext``;
:func:`install_argparse` points them at bbdispatch's catalogue, so ``--help``,
``usage:`` and every parsing error follow the chosen language. Textual's system
commands and its palette's footer key are translated where the App shows them
(``bbdispatch/app.py``). The texts below are those libraries' own, unchanged:
``pybabel extract`` finds them here through the ``N_`` marker.
"""

from __future__ import annotations

import argparse

from bbdispatch.i18n import N_, _, ngettext

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)
"""argparse's messages (Python 3.11) that a user of the command can meet."""


def _argparse_plurals() -> None:  # pragma: no cover - only read by pybabel
    ngettext("expected %s argument", "expected %s arguments", 1)


TEXTUAL_MESSAGES = {
    "palette": N_("palette"),
    "Focus Next": N_("Focus Next"),
    "Focus Previous": N_("Focus Previous"),
    "Copy selected text": N_("Copy selected text"),
    "Open the command palette": N_("Open the command palette"),
    "Search for commands…": N_("Search for commands…"),
    "Theme": N_("Theme"),
    "Change the current theme": N_("Change the current theme"),
    "Quit": N_("Quit"),
    "Quit the application as soon as possible": N_("Quit the application as soon as possible"),
    "Keys": N_("Keys"),
    "Hide the keys and widget help panel": N_("Hide the keys and widget help panel"),
    "Show help for the focused widget and a summary of available keys": N_(
        "Show help for the focused widget and a summary of available keys"
    ),
    "Minimize": N_("Minimize"),
    "Minimize the widget and restore to normal size": N_(
        "Minimize the widget and restore to normal size"
    ),
    "Maximize": N_("Maximize"),
    "Maximize the focused widget": N_("Maximize the focused widget"),
    "Dismiss menu": N_("Dismiss menu"),  # an open Select's Escape, in the footer
    "Screenshot": N_("Screenshot"),
    "Save an SVG 'screenshot' of the current screen": N_(
        "Save an SVG 'screenshot' of the current screen"
    ),
}
"""Textual's own texts that the dispatcher sees (system commands, palette)."""


def install_argparse() -> None:
    """Make argparse speak the chosen language (it reads its module's ``_`` at call time)."""
    setattr(argparse, "_", _)  # noqa: B010 - argparse has no public hook for this
    setattr(argparse, "ngettext", ngettext)  # noqa: B010
