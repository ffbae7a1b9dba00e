r"""Minimal reproduction: an ESC inside a bracketed paste turns the rest of it into keys.

Run it with ``python bracketed_paste_escape.py``: it feeds Textual 8.2.8's
terminal parser the bytes a terminal sends for a paste of
``Opis\x1b[31mczerwony\x1b[0m\tpo tabie`` (text copied from a coloured
terminal line) and prints the events it makes. Expected one ``Paste`` with the
whole text; Textual 8.2.8 gives keys (``^ [ 3 1 m c z e r w o n y ^ [ 0 m``,
``tab``, ``p o …``) and then ``Paste(text='Opis')``.
"""

from __future__ import annotations

from textual._xterm_parser import XTermParser

PASTED = "Opis\x1b[31mczerwony\x1b[0m\tpo tabie"
"""What was pasted: a colour code, a tab."""


def main() -> list[str]:
    """The events the parser makes of the paste, as short strings."""
    parser = XTermParser()
    shown = []
    for event in parser.feed("\x1b[200~" + PASTED + "\x1b[201~"):
        name = type(event).__name__
        shown.append(f"{name}({getattr(event, 'text', getattr(event, 'key', ''))!r})")
    return shown


if __name__ == "__main__":
    print(" ".join(main()))
