r"""A bracketed paste reaches the App as one piece of text, whatever it holds (issue 13).

Textual 8.2.8's terminal parser (``textual._xterm_parser.XTermParser``) reads
an ESC inside a bracketed paste as the start of an escape sequence: the
characters after it are taken out of the paste and, at the next ESC (or after
32 characters), sent to the App as *keys*, the ESC itself as ``^``. A request
pasted from a coloured terminal line (``Opis\x1b[31mczerwony\x1b[0m\tpo tabie
e r 3``) arrived as the keys ``^[31mczerwony^[0m``, Tab, ``p o  t a b i e  e
r 3``: Tab moved to the triage bar and the letters set remote, emergency and
network; the paste itself shrank to ``Opis``. ``docs/upstream/`` holds the
reproduction for Textual.

:class:`PasteParser` reads everything between the paste's start
(``ESC [200~``) and its end (``ESC [201~``) as text and hands it to the App as
one :class:`textual.events.Paste`; outside a paste Textual's own parser reads
every byte as before. :class:`PasteSafeDriver` is Textual's Linux driver with
this parser; the App runs with it where Textual would run its Linux driver
(``BBDispatch.get_driver_class``).
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Generator
from typing import ClassVar

from textual import events
from textual._loop import loop_last
from textual._parser import ParseEOF, ParseError, Peek1, Read1, TokenCallback
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message


class PasteParser(XTermParser):
    """Textual's terminal parser, with a bracketed paste read as text to its very end."""

    def parse(self, token_callback: TokenCallback[Message]) -> Generator[Read1 | Peek1, str, None]:
        """Parse the terminal's input; a bracketed paste becomes one ``Paste`` of all it holds.

        Every character goes through Textual's parser, which also sees the
        paste's start marker and so knows a paste began; from there until the
        end marker the characters are collected here, whatever they are (ESC,
        Tab, CR), and Textual's parser is given only the end marker. Its own
        ``Paste`` (empty, as it never saw the text) is dropped; ours carries
        the text, NUL characters removed as Textual removes them.
        """

        def not_a_paste(token: Message) -> None:
            if not isinstance(token, events.Paste):
                token_callback(token)

        textual_parser = super().parse(not_a_paste)
        awaiting = next(textual_parser)
        last = ""  # the last characters Textual's parser was given: the paste's start?
        while True:
            try:
                character = yield awaiting
            except ParseError as error:  # a timeout (a lone ESC) or the end of input
                try:
                    awaiting = textual_parser.throw(error)
                except StopIteration:
                    return
                continue
            if isinstance(awaiting, Read1):
                last = (last + character)[-len(BRACKETED_PASTE_START) :]
            try:
                awaiting = textual_parser.send(character)
            except StopIteration:
                return
            if last != BRACKETED_PASTE_START:
                continue
            last = ""
            pasted = yield from self._pasted_text()
            if pasted is None:
                return
            for character in BRACKETED_PASTE_END:
                awaiting = textual_parser.send(character)
            token_callback(events.Paste(pasted.replace("\x00", "")))

    def _pasted_text(self) -> Generator[Read1, str, str | None]:
        """Read up to the paste's end marker; the text before it (None: input ended first)."""
        text: list[str] = []
        end = len(BRACKETED_PASTE_END)
        while True:
            try:
                character = yield self.read1()
            except ParseEOF:
                return None
            except ParseError:
                continue  # no timeout is asked for inside a paste
            text.append(character)
            if character == BRACKETED_PASTE_END[-1] and "".join(text[-end:]) == BRACKETED_PASTE_END:
                return "".join(text[:-end])


class PasteSafeDriver(LinuxDriver):
    """Textual's Linux driver reading the terminal with :class:`PasteParser`."""

    parser_class: ClassVar[type[XTermParser]] = PasteParser
    """The parser the input thread reads the terminal with."""

    def run_input_thread(self) -> None:
        """Wait for input and post its events: Textual 8.2.8's loop with :class:`PasteParser`.

        Line for line ``LinuxDriver.run_input_thread`` of Textual 8.2.8 (which
        names its parser class inside the method, so it cannot be given
        another), with the parser replaced.
        """
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)

        fileno = self.fileno
        event_read = selectors.EVENT_READ

        parser = self.parser_class(self._debug)
        feed = parser.feed
        tick = parser.tick

        decode = getincrementaldecoder("utf-8")().decode
        read = os.read

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> None:
            for last, (_selector_key, mask) in loop_last(selector_events):
                if mask & event_read:
                    unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is piped
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
