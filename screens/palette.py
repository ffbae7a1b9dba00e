"""Command palette: jump to a job or a client by name, number or phone."""

from __future__ import annotations

from functools import partial

from textual.command import CommandList, CommandPalette, Hit, Hits, Provider
from textual.screen import ModalScreen

from bbdispatch.domain.lifecycle import STATUS_LABEL
from bbdispatch.i18n import _
from bbdispatch.phones import format_for_display
from bbdispatch.services.board import find
from bbdispatch.services.errors import USER_ERRORS
from screens.shell import is_shell, shell_of
from screens.widgets.plain import highlight, markup_literal, plain_option


class JumpProvider(Provider):
    """Finds clients (name, city, e-mail, contact, NIP, phone) and jobs (number, text, phone)."""

    async def search(self, query: str) -> Hits:
        """Look the query up in the database; jobs open their detail, clients their page.

        Over a dialog (a yes/no question, a form) nothing is offered: a jump would
        open a screen on top of a question still waiting for its answer.
        """
        if not is_shell(self.app) or len(query.strip()) < 1 or isinstance(self.screen, ModalScreen):
            return
        try:
            found = await find(shell_of(self.app).ctx, query)
        except USER_ERRORS:
            return
        matcher = self.matcher(query)
        for row in found.jobs:
            job = row.job
            text = _("Job {no}").format(no=job.number) + f" · {row.client_name} · {job.description}"
            score = 1.0 if query.strip() == job.number else max(matcher.match(text), 0.5)
            yield Hit(
                score, highlight(matcher, text), partial(self._open_job, job.id), text=text,
                help=markup_literal(STATUS_LABEL[job.status]),
            )  # fmt: skip
        for client in found.clients:
            phones = ", ".join(format_for_display(p.e164) for p in client.phones[:2])
            text = _("Client") + f" · {client.name}"
            yield Hit(
                max(matcher.match(text), 0.6), highlight(matcher, text),
                partial(self._show_client, client.id), text=text, help=markup_literal(phones),
            )  # fmt: skip

    def _open_job(self, job_id: int) -> None:
        """The job in the view its user has: a technician's own job card, else its detail.

        A technician is never pushed a dispatcher's screen: in the technician's
        workspace the hit selects the job in their list, whose card shows it.
        """
        from screens.job_detail import JobDetailScreen
        from screens.tech_jobs import TechJobsScreen

        mine = [s for s in self.app.screen_stack if isinstance(s, TechJobsScreen)]
        if mine:
            mine[0].pop_until_active()
            mine[0].select_job(job_id)
            return
        self.app.push_screen(JobDetailScreen(job_id))

    def _show_client(self, client_id: int) -> None:
        from screens.client import ClientScreen

        self.app.push_screen(ClientScreen(client_id))


class Palette(CommandPalette):
    """Textual's command palette, its texts in the session's language.

    Textual 8.2.8 writes "No matches found" as a literal inside
    ``CommandPalette._start_no_matches_countdown``; this override is that
    method with the text through ``_()`` (same timer, same option id, so the
    palette removes it as before). ``tests/ui/test_palette_polish.py`` fails
    when a Textual upgrade renames the method this replaces.
    """

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """After a short wait, say in the session's language that nothing matched."""
        self._stop_no_matches_countdown()

        def _show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    plain_option(_("No matches found"), id=self._NO_MATCHES, disabled=True)
                )
                self._list_visible = True
            else:  # discovering with nothing to discover: nothing to say
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, _show_no_matches)
