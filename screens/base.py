"""What every bbdispatch screen shares: typed access to the App and its services.

Screens reach the App through :class:`screens.shell.Shell`, never by importing
it: the App imports the screens, and the dependency runs that way only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, on
from textual.actions import parse as parse_action
from textual.await_complete import AwaitComplete
from textual.binding import ActiveBinding
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState

from bbdispatch.i18n import _
from bbdispatch.text import printable
from screens.shell import Shell, is_shell, shell_of
from screens.widgets.watchers import drop_closed_watchers

if TYPE_CHECKING:
    from bbdispatch.domain.rights import Action
    from bbdispatch.services.context import Ctx
    from screens.widgets.confirm import ConfirmScreen

ResultT = TypeVar("ResultT")


class BBAccess(MessagePump):
    """The ``bb``/``ctx`` accessors, written once for full screens and dialogs alike."""

    @property
    def bb(self) -> Shell:
        """The App, as far as screens may know it."""
        return shell_of(self.app)

    @property
    def ctx(self) -> Ctx:
        """The service context of this session."""
        return self.bb.ctx

    @on(events.Unmount)
    def _let_go_of_screen(self) -> None:
        """A screen or dialog that closes leaves nothing of itself on the App.

        Its ``Header`` watches the App's title and sub-title, and Textual keeps
        such watchers until the title changes, which it does not in a session;
        its signal subscriptions last until the next publish. Either kept the
        closed screen with every widget on it alive (20 x ``e``/Esc on the
        technician's list: 20 dead entries screens). By the time the screen
        unmounts its widgets have closed, so their watchers go now
        (:mod:`screens.widgets.watchers`), and so do its subscriptions.
        """
        app = self.app
        drop_closed_watchers(app)
        if is_shell(app) and isinstance(self, DOMNode):
            shell = shell_of(app)
            shell.data_changed.unsubscribe(self)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Say so when a screen's worker failed in a way its own code did not foresee.

        Screens catch the errors they expect (a refused save, a busy or full
        database) and show them at the field; anything else used to end the
        worker in silence (``exit_on_error=False``), so a save seemed to do
        nothing. Here it becomes one line: the form stays open with what was
        typed, and a failed write was rolled back by storage, so nothing is half-saved.
        """
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        err = worker.error
        detail = printable(str(err)) or type(err).__name__
        self.app.notify(
            _(
                "Something went wrong ({err}); what you typed is kept. Check it and try again."
            ).format(err=detail),
            severity="error",
            timeout=10,
        )


MAX_RELOADS = 3
"""A save waits for at most this many loads of a screen, each cancelled by a newer one."""


async def reloaded(start: Callable[[], Worker[Any]]) -> None:
    """Run a screen's exclusive load worker now and return once a load has drawn.

    For ``show_saved`` (:meth:`screens.shell.Shell.saved`): a save awaits it
    before its dialog closes. A load cancelled by a newer one (another commit
    came) is run again, at most :data:`MAX_RELOADS` times; a load that failed
    has said why itself, and the save it follows stands.

    Args:
        start: starts the load (the screen's ``@work(exclusive=True)`` method).
    """
    for _attempt in range(MAX_RELOADS):
        try:
            await start().wait()
        except WorkerCancelled:
            continue
        except WorkerFailed:
            return
        return


def keyed(pairs: list[tuple[str, str]]) -> list[str]:
    """One-key choices as shown: ``[o]n-site``, or ``o:na miejscu`` when a word does not fit.

    Keys stay the same in every language; only how they are shown follows the
    words, and a group is shown one way throughout.
    """
    inline = all(label.startswith(key) for key, label in pairs)
    return [f"[{key}]{label[len(key) :]}" if inline else f"{key}:{label}" for key, label in pairs]


def translated(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The active bindings with their descriptions and tooltips in the chosen language.

    Bindings are declared at class level, when the language may not be chosen
    yet, so their texts stay English (marked with ``N_``) and are translated
    here, where the Footer, the Keys panel and F1 read them.
    """
    out: dict[str, ActiveBinding] = {}
    for key, (node, binding, enabled, tooltip) in bindings.items():
        text = replace(
            binding,
            description=_(binding.description) if binding.description else "",
            tooltip=_(binding.tooltip) if binding.tooltip else "",
        )
        out[key] = ActiveBinding(node, text, enabled, _(tooltip) if tooltip else tooltip)
    return out


def dismissed_already(screen: Screen[Any]) -> bool:
    """Whether ``screen`` is no longer the top of the stack (it was dismissed already).

    A burst of keys reaches a screen's handlers after its first ``dismiss()``
    has popped it; a second ``dismiss()`` would pop the screen *below* (or fail
    with ``ScreenStackError`` on the last one) and set its result twice
    (``InvalidStateError``). Textual pops the stack at once, so "not on top" is
    exactly "dismissed".
    """
    return not screen.is_attached or screen.app.screen is not screen


class BBScreen(BBAccess, Screen[ResultT]):
    """A screen that works with the bbdispatch App's service context."""

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Dismiss once: a second call (a burst of keys) does nothing."""
        if dismissed_already(self):
            return AwaitComplete()
        return super().dismiss(result)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings, their texts translated (:func:`translated`)."""
        return translated(super().active_bindings)

    def why_disabled(self, action: str, parameters: tuple[object, ...] = ()) -> str | None:
        """Why ``action`` is disabled just now (``check_action`` said ``None``); None: no word.

        Textual ignores the key of a disabled action without a sign, so a
        technician with no jobs pressing ``t`` saw nothing happen. A screen
        that dims actions says why here; :meth:`on_key` shows it when the key
        is pressed anyway.
        """
        return None

    def on_key(self, event: events.Key) -> None:
        """A key whose action is disabled says why (:meth:`why_disabled`) instead of nothing."""
        for binding in self._bindings.key_to_bindings.get(event.key, []):
            # ``set_status('on_hold')``: the action's name and its arguments, as
            # Textual asks check_action (issue 16: ``h`` on a triaged job said nothing).
            namespace, action, parameters = parse_action(binding.action)
            if namespace or self.check_action(action, parameters) is not None:
                continue
            reason = self.why_disabled(action, parameters)
            if reason:
                event.stop()
                self.notify(reason, severity="warning")
                return


class BBModal(BBAccess, ModalScreen[ResultT]):
    """A modal dialog with typed access to the App and its services."""

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Dismiss once: a second call (a burst of keys) does nothing."""
        if dismissed_already(self):
            return AwaitComplete()
        return super().dismiss(result)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's active bindings, their texts translated (:func:`translated`)."""
        return translated(super().active_bindings)


@dataclass(frozen=True)
class Needs:
    """The right an answered question leads to, asked of the services before the question.

    ``action`` is the rule table's action (``docs/rights.md``); ``job_id`` or
    ``entry_id`` name the job or work entry it is done on, for rights that
    reach only a technician's own things.
    """

    action: Action
    job_id: int | None = None
    entry_id: int | None = None


async def allowed_first(node: MessagePump, needs: Needs | None) -> bool:
    """Whether the acting person may do what ``needs`` says; a refusal is shown, False.

    Asks :func:`bbdispatch.services.rights.ensure`, the check the service runs
    itself (same line, audited the same way). ``None``: the question leads to no
    service call that checks a right (discarding typed text).
    """
    if needs is None:
        return True
    from bbdispatch.services.errors import USER_ERRORS
    from bbdispatch.services.rights import ensure

    try:
        await ensure(
            shell_of(node.app).ctx, needs.action, job_id=needs.job_id, entry_id=needs.entry_id
        )
    except USER_ERRORS as err:
        node.app.notify(str(err), severity="error")
        return False
    return True


async def confirmed(node: MessagePump, question: ConfirmScreen, needs: Needs | None) -> bool:
    """Inside a worker: the rights first (:func:`allowed_first`), then the question's answer.

    The one way a screen asks yes/no: nobody is asked "Issue the statement…?"
    and refused only after ``y``. False when refused (the refusal is shown,
    the question is not) or answered no.
    """
    if not await allowed_first(node, needs):
        return False
    answer: bool | None = await node.app.push_screen_wait(question)
    return bool(answer)


def confirm_then(
    node: MessagePump,
    question: ConfirmScreen,
    needs: Needs | None,
    answered: Callable[[bool | None], None],
) -> None:
    """Outside a worker: ask the rights, then push ``question`` with ``answered`` as its callback.

    As :func:`confirmed`: a refusal is shown instead of the question and
    ``answered`` is not called.
    """

    async def ask() -> None:
        # A burst of keys starts several asks before the first question is up: one asks.
        if await allowed_first(node, needs) and not isinstance(node.app.screen, type(question)):
            node.app.push_screen(question, answered)

    node.app.run_worker(ask(), group="confirm-rights", exit_on_error=False)
