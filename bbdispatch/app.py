"""The Textual App shell: wires services, watches the database, installs screens.

It does four things only (STYLE.md): holds the service context, publishes the
``data_changed`` signal, installs the home screen of its mode, and defines the
global bindings.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.driver import Driver
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from bbdispatch.domain.people import Technician
from bbdispatch.i18n import N_, _
from bbdispatch.services.context import Ctx
from bbdispatch.text import clipped, printable
from screens.key_gate import KeyGate
from screens.wait_notice import WaitNotice
from screens.widgets.plain import DropTerminalControls

if TYPE_CHECKING:
    from screens.ring_watch import RingWatcher

WAL_TICK_SECONDS = 0.02
"""How often the App looks at the database's WAL file for other processes' commits.

One ``stat`` per tick and no query while nothing changes (under 1 % of a core idle,
measured by ``python -m benchmarks``); a commit waits 10 ms for it on average."""
WAL_RECHECK_TICKS = 25
"""Ticks (0.5 s) during which a moved WAL file is looked at again until ``data_version``
moves: a writer's frames reach the WAL file before its commit is visible, and a check in
between would otherwise miss that commit until the slow poll."""

TOAST_LINES = 8
"""The most lines of one toast's message (at 80 columns about 290 characters)."""

PALETTE_SKIPS = frozenset({"command_palette", "quit", "it_admin"})
"""Actions the palette is or offers already (Textual's Quit, IT administration)."""

HANG_UP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
"""Signals that end a session from outside: the terminal or SSH link closed, a shutdown."""

CtxFactory = Callable[[], Awaitable[Ctx]]
"""Opens the database in the App's own event loop and returns the service context."""


class BBDispatch(App[None]):
    """bbdispatch in a terminal: the dispatcher's desk or a technician's workspace."""

    CSS_PATH = "bbdispatch.tcss"
    COMMANDS = App.COMMANDS | {lambda: _jump_provider()}
    TITLE = "bbdispatch"
    BINDINGS: ClassVar[list[BindingType]] = [
        # The footer of every screen shows F1 (every key) and the palette; Quit and
        # New call are keys on every screen, shown in F1 and the palette, and the
        # board repeats New call in its own footer.
        Binding(
            "ctrl+q",
            "quit",
            N_("Quit"),
            tooltip=N_("Close bbdispatch (a call being taken asks first)"),
            priority=True,
            id="quit",
            show=False,
        ),  # fmt: skip
        Binding("f1", "help", N_("Help"), tooltip=N_("Keys and how dispatch works"), id="help"),
        Binding(
            "f2",
            "new_call",
            N_("New call"),
            tooltip=N_("Start phone intake"),
            id="new-call",
            show=False,
        ),  # fmt: skip
        # A priority key, like quit: the notice of a call waiting behind a form names
        # F3, so it works in dialogs too (a modal screen hides the App's other keys).
        Binding(
            "f3",
            "next_call",
            N_("Next call"),
            tooltip=N_("Open the oldest waiting call now"),
            id="next-call",
            show=False,
            priority=True,
        ),  # fmt: skip
        Binding(
            "i",
            "it_admin",
            N_("IT admin"),
            tooltip=N_("Recurring tasks and run history"),
            show=False,
            id="it-admin",
        ),  # fmt: skip
    ]

    def __init__(
        self,
        open_ctx: CtxFactory,
        user: Technician,
        *,
        mode: str = "dispatcher",
        poll_seconds: float = 0.5,
        schedule_seconds: float | None = 300.0,
        real_login: str | None = None,
    ) -> None:
        super().__init__()
        self._open_ctx = open_ctx
        self.user = user
        """Who is working in this session (the technician a support login acts as)."""
        self.mode_name = mode
        """``dispatcher`` or ``technician``."""
        self.poll_seconds = poll_seconds
        """How often to look for other processes' commits."""
        self.schedule_seconds = schedule_seconds
        """How often the dispatcher creates due recurring jobs (None: never)."""
        self.actor = (
            user.login if real_login in (None, user.login) else f"{real_login} as {user.login}"
        )
        """Who the audit trail names: a support login acting as someone says so."""
        self._ctx: Ctx | None = None
        self._seen_version = 0
        self._wal_seen: tuple[int, int] | None = None
        self._wal_rechecks = 0
        self.data_changed: Signal[None] = Signal(self, "data-changed")
        """Published whenever any process commits a change to the database."""
        self.sub_title = f"{user.name} ({user.login})"
        self._drop_controls = DropTerminalControls()
        self._keys = KeyGate(self)
        self.wait_notice: WaitNotice | None = None
        """The "waiting for the database" toast, once the database is open."""
        self._rings: RingWatcher | None = None
        """The dispatcher's queue of rings (None in a technician's workspace)."""
        self._hanging_up = False
        """A hang-up signal came: the session is saving its calls and ending."""
        self._heap_frozen = False
        """Whether this App froze the garbage collector's view of the heap (gc.freeze)."""

    @property
    def ctx(self) -> Ctx:
        """The service context; available from the first screen on."""
        if self._ctx is None:
            raise RuntimeError("the database is not open yet")
        return self._ctx

    async def on_mount(self) -> None:
        """Open the database, take the change baseline, then show the home screen."""
        ctx = await self._open_ctx()
        if ctx.actor == self.actor:
            # One's own session has the rights a command of the same login has
            # (root that is no person acts as an admin: docs/rights.md).
            self._ctx = ctx
        else:
            self._ctx = ctx.acting_as(self.actor, login=self.user.login)
        self._seen_version = await self._ctx.db.data_version()
        if await self._ctx.db.watch_external_commits():
            # PostgreSQL tells us of other processes' commits (LISTEN/NOTIFY).
            self._ctx.db.on_external_commit(self._heard_commit)
        self._ctx.db.on_commit(self._local_commit)
        db = self._ctx.db
        self.wait_notice = WaitNotice(self, lambda: db.lock_wait_seconds)
        db.on_write_wait(self.wait_notice.waiting)
        self._catch_hang_up()
        await self.push_screen(self._home_screen())
        from bbdispatch.services.people import role_note, root_without_admin_hint

        note = await role_note(self._ctx)
        if note:  # a role changed outside bbdispatch: say why the screen offers less
            self.notify(note, severity="warning", timeout=30)
        hint = await root_without_admin_hint(self._ctx)
        if hint:  # root works as admin, so nothing else would say nobody else can
            self.notify(hint, severity="warning", timeout=30)
        if self.mode_name == "dispatcher":
            from screens.ring_watch import RingWatcher

            self._rings = RingWatcher(self, self)
            await self._rings.start()
        self.set_timer(self.poll_seconds, self._watch_database)
        self._wal_seen = self._ctx.db.change_signature()
        self.set_interval(WAL_TICK_SECONDS, self._wal_tick)
        self.call_after_refresh(self._preload)
        if self.mode_name == "dispatcher" and self.schedule_seconds:
            self.set_timer(self.schedule_seconds, self._run_schedule)

    def _preload(self) -> None:
        """After the first frame, import every screen: an upgrade cannot take them away."""
        from bbdispatch.preload import preload

        self.run_worker(preload, thread=True, group="preload", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Once every module is loaded, set the session's long-lived objects aside.

        Python's cyclic garbage collector otherwise walks all of them (Textual,
        the screens, some three hundred modules) now and then while the board
        reloads: about 120 ms each time at 100,000 clients, one commit in ten
        (issue 13: another process's commit on the board). Frozen objects are
        never walked; everything made later is collected as before. The heap is
        let go again when the App stops (a test process runs many Apps).
        """
        done = event.worker.group == "preload" and event.state is WorkerState.SUCCESS
        if done and self.is_running and not self._heap_frozen:
            gc.freeze()
            self._heap_frozen = True

    def _home_screen(self) -> Screen[None]:
        if self.mode_name == "technician":
            from screens.tech_jobs import TechJobsScreen

            return TechJobsScreen()
        from screens.board import BoardScreen

        return BoardScreen()

    def _catch_hang_up(self) -> None:
        """End the session cleanly on SIGHUP or SIGTERM instead of being killed mid-call.

        Python's default for both kills the process at once: exit 129 or 143, a
        call being taken lost, the terminal left in raw mode. Here the calls in
        open intakes keep what was typed (:func:`screens.intake.keep_calls_at_session_end`),
        then the App exits as ``ctrl+q`` would, restoring the terminal and
        closing the database. A running timer needs nothing: it is in the database.
        """
        loop = asyncio.get_running_loop()
        for signum in HANG_UP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self._hung_up, signum)

    def _hung_up(self, signum: int) -> None:
        if self._hanging_up:
            return
        self._hanging_up = True
        if signum == signal.SIGHUP:
            self._mute_terminal()
        self.run_worker(self._end_session(signum), group="hang-up", exit_on_error=False)

    def _mute_terminal(self) -> None:
        """The terminal is gone (SIGHUP): send the screen's output nowhere.

        Textual's output thread dies on the first write to a closed terminal,
        and the writes after it then wait for ever on its full queue: the
        process hung with the call unsaved.
        """
        writer = getattr(self._driver, "_writer_thread", None)
        if writer is not None and hasattr(writer, "_file"):
            writer._file = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the process)

    async def _end_session(self, signum: int) -> None:
        from screens.intake import keep_calls_at_session_end

        try:
            await keep_calls_at_session_end(self)
        finally:
            if signum != signal.SIGHUP:
                self.exit()  # the terminal is there: restored as ctrl+q restores it
            else:
                # No terminal to restore, and Textual's shutdown would write to it (and
                # may wait on its dead output thread): close the database, then go.
                if self._ctx is not None:
                    with contextlib.suppress(Exception):
                        await self._ctx.db.close()
                os._exit(0)

    async def on_unmount(self) -> None:
        """Close the database cleanly (checkpointing the WAL); let the frozen heap go."""
        loop = asyncio.get_running_loop()
        for signum in HANG_UP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)
        if self._heap_frozen:
            self._heap_frozen = False
            gc.unfreeze()
        if self._ctx is not None:
            await self._ctx.db.close()

    def _local_commit(self) -> None:
        # Own commits do not move data_version; tell the screens directly.
        self.call_later(self.data_changed.publish, None)

    async def saved(self, job_id: int | None = None) -> None:
        """A save of this session committed: the screens below show it before this returns.

        Awaited by a dialog's save before it closes (the intake, the technician
        picker), inside the saving key's work: every screen in the stack that
        shows jobs (``show_saved``, the board) reloads now and, for a new job,
        puts its cursor on it. A key typed right after the save (``^s a`` in
        one burst) acts on what was just saved, however late the commit's
        notice (LISTEN/NOTIFY, polling) arrives (issue 13).

        Args:
            job_id: the job the save created (None: a change to jobs already shown).
        """
        for screen in list(self.screen_stack):
            show = getattr(screen, "show_saved", None)
            if show is not None:
                await show(job_id)

    def _heard_commit(self) -> None:
        """Another process committed (PostgreSQL's NOTIFY): reload now, no polling needed."""
        self._check_version()

    def _wal_tick(self) -> None:
        """Look at the WAL file (one stat); when it moved, check data_version at once.

        Another process's commit then shows within ~20 ms plus the board's
        reload, instead of up to ``poll_seconds``; idle, this costs one stat per
        tick and no query. After a move, the next :data:`WAL_RECHECK_TICKS`
        ticks check again until a commit shows (a check between the writer's
        WAL write and its commit becoming visible saw nothing).
        """
        signature = self.ctx.db.change_signature()
        if signature != self._wal_seen:
            self._wal_seen = signature
            self._wal_rechecks = WAL_RECHECK_TICKS
            self._check_version()
        elif self._wal_rechecks:
            # The WAL moved but no commit showed yet (or it was our own): look again.
            self._wal_rechecks -= 1
            self._check_version()

    @work(exclusive=True, group="check-version", exit_on_error=False)
    async def _check_version(self) -> None:
        """Publish ``data_changed`` if another connection committed since we last looked."""
        version = await self.ctx.db.data_version()
        if version != self._seen_version:
            self._seen_version = version
            self._wal_rechecks = 0
            self.data_changed.publish(None)

    @work(exclusive=True, group="watch-db", exit_on_error=False)
    async def _watch_database(self) -> None:
        """Publish ``data_changed`` when another process commits; never overlaps itself."""
        try:
            if self.mode_name == "dispatcher":
                from bbdispatch.services.rings import replay_spooled_rings

                await replay_spooled_rings(self.ctx)  # calls queued while the DB was busy
            version = await self.ctx.db.data_version()
            if version != self._seen_version:
                self._seen_version = version
                self.data_changed.publish(None)
        finally:
            if self.is_running:
                self.set_timer(self.poll_seconds, self._watch_database)

    @work(exclusive=True, group="schedule-run", exit_on_error=False)
    async def _run_schedule(self) -> None:
        """Create due recurring jobs while open: the same service as ``schedule run``."""
        from bbdispatch.services.schedule import run_schedule

        try:
            await run_schedule(self.ctx)
        finally:
            if self.is_running and self.schedule_seconds:
                self.set_timer(self.schedule_seconds, self._run_schedule)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Intake belongs to the dispatcher's desk; IT administration opens from the board."""
        if action in ("new_call", "next_call"):
            return self.mode_name == "dispatcher"
        if action == "it_admin":
            from screens.board import BoardScreen

            return self.mode_name == "dispatcher" and isinstance(self.working_screen, BoardScreen)
        return True

    @property
    def working_screen(self) -> Screen[object]:
        """The screen the person works on: the top one, below F1 and the palette."""
        from textual.command import CommandPalette

        from screens.help import HelpScreen

        below: Screen[object] = self.screen
        for screen in reversed(self.screen_stack):
            if not isinstance(screen, CommandPalette | HelpScreen):
                below = screen
                break
        return below

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for the terminal; on Linux and macOS one that reads a paste as text.

        Textual 8.2.8's parser turns what follows an ESC inside a bracketed
        paste into keys (:mod:`screens.paste_parser`): pasted text set the triage.
        """
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from screens.paste_parser import PasteSafeDriver

            return PasteSafeDriver
        return driver

    async def action_quit(self) -> None:
        """Quit; a call being taken in the intake asks first and is logged."""
        from screens.intake import quit_keeping_calls

        quit_keeping_calls(self)

    async def on_event(self, event: events.Event) -> None:
        """Every event; a key (or paste) waits while the work of the key before it is not done.

        :mod:`screens.key_gate`: keys read with F2 land in the intake that F2 opens,
        the request typed on after a number lands in the request, not the number,
        and a paste lands where the keys typed before it left the focus.
        """
        if not isinstance(event, events.Key | events.Paste):
            await super().on_event(event)
            return
        fresh = not event.is_forwarded
        if self._keys.hold(event):
            return
        # F3 is a priority key: its worker starts while the App handles it, and is its work.
        before = set(self.workers)
        await super().on_event(event)
        self._keys.handled(event, fresh, before)

    def action_help_quit(self) -> None:
        """ctrl+c quits nothing: say which key does, as text in the session's language.

        Textual's own hint is English markup (``Press [b]ctrl+q[/b] to quit the
        app``), and every toast of this App is literal, so it showed the tags.
        """
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                shown = self.get_key_display(active.binding) or key
                self.notify(
                    _("Press {key} to quit the app.").format(key=shown),
                    title=_("Do you want to quit?"),
                )
                return

    def give_back_key(self, event: events.Key) -> None:
        """A key reached a field after focus left it: it goes on through the gate, in order."""
        self._keys.give_back(event)

    def action_new_call(self) -> None:
        """Open the phone intake on top of whatever is shown."""
        from screens.intake import IntakeScreen

        if not isinstance(self.screen, IntakeScreen):
            self.push_screen(IntakeScreen())

    def action_next_call(self) -> None:
        """Open the oldest waiting call of the call log, over whatever is shown."""
        if self._rings is None:
            self.notify(_("No call is waiting."))
        else:
            self._rings.open_now()

    def action_it_admin(self) -> None:
        """Pick an IT administration contract, then show its recurring tasks."""
        from screens.it_admin import open_it_admin

        open_it_admin(self)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette's commands: Textual's, IT administration, and every key of ``screen``.

        Footers show only the few keys a dispatcher needs most; every action of
        the screen, of our widgets on it and of the App is offered here as in
        F1 (:func:`screens.keys.screen_keys`, so a technician gets only their
        own), under its translated name, with what it does and its key as help.
        """
        from screens.keys import screen_keys

        titles: set[str] = set()
        for command in super().get_system_commands(screen):  # Textual's own, translated
            if command.title == "Screenshot":  # it writes files where it runs: not ours
                continue
            titles.add(_(command.title))
            yield command._replace(title=_(command.title), help=_(command.help))
        if self.check_action("it_admin", ()):
            titles.add(_("IT administration"))
            yield SystemCommand(
                _("IT administration"), _("Recurring tasks and run history"), self.action_it_admin
            )
        for entry in screen_keys(screen):
            if entry.action in PALETTE_SKIPS:
                continue
            title = f"{entry.group}: {entry.description}" if entry.widget else entry.description
            if title in titles:
                continue
            titles.add(title)
            about = entry.tooltip or entry.description
            yield SystemCommand(
                title,
                f"{about} ({entry.display})",
                partial(self._run_or_say_why, entry.action, entry.node),
            )

    async def _run_or_say_why(self, action: str, node: DOMNode) -> None:
        """Run a palette command; one that is unavailable just now says why, as its key does.

        ``run_action`` skips a disabled action without a sign; the screen's
        ``why_disabled`` (``screens.base.BBScreen``) has the words.
        """
        if self._check_action_state(action, node) is None:
            why = getattr(node, "why_disabled", None)
            reason = why(action) if why is not None else None
            if reason:
                self.notify(reason, severity="warning")
                return
        await self.run_action(action, node)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a toast; its text is always literal (stored names appear in messages).

        ``markup`` is accepted for Textual's signature and ignored: no toast of
        this app parses markup or passes terminal codes. A toast is at most
        :data:`TOAST_LINES` lines at its width: a longer message (a 10 000-character
        stored name in it) loses its middle to one ``…`` (its start and its end,
        usually what to do, stay), so it never covers the screen.
        """
        # Textual's toast: 60 cells, at most half of its rack (the screen less a margin
        # of 2), less padding and border; one cell more to spare.
        room = min(60, (self.size.width - 2) // 2) - 4
        super().notify(
            clipped(printable(message, multiline=True), room, TOAST_LINES),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's title, shown literally (screens put client names in it).

        While calls wait, every screen's header begins with how many and F3
        (issue 13: a toast of 5 s was all a dispatcher in a form was told); first,
        so that a narrow terminal cuts the title, not the calls.
        """
        content = super().format_title(printable(title), printable(sub_title))
        note = self._rings.header_note() if self._rings is not None else ""
        if not note:
            return content
        return Content.assemble((f" {note} ", "bold reverse"), " ", content)

    def get_line_filters(self) -> list[LineFilter]:
        """Textual's filters plus one that keeps control characters off the terminal."""
        return [*super().get_line_filters(), self._drop_controls]

    def action_command_palette(self) -> None:
        """Textual's command palette, its prompt and messages in the chosen language."""
        from textual.command import CommandPalette

        from screens.palette import Palette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            placeholder = _("Search for commands…")
            self.push_screen(Palette(id="--command-palette", placeholder=placeholder))

    def action_help(self) -> None:
        """Show the keys of the current screen and how dispatch works."""
        from screens.help import HelpScreen
        from screens.keys import screen_keys

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, screen_keys(self.screen)))


def _jump_provider() -> type[Provider]:
    """The palette's job/client finder, imported lazily (screens import the App)."""
    from screens.palette import JumpProvider

    return JumpProvider
