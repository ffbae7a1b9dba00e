"""Keys that move a job through its lifecycle, shared by the board and the job detail."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from bbdispatch.domain.board import BoardLine
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.lifecycle import (
    STATUS_LABEL,
    allowed_next,
    transition_refusal,
    undoes_work,
)
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import N_, _
from bbdispatch.services.errors import USER_ERRORS
from screens.base import BBScreen, Needs, confirm_then
from screens.widgets.confirm import ConfirmScreen

NOTE_TITLES: dict[JobStatus, tuple[str, bool]] = {
    JobStatus.DONE: (N_("Resolution (what was done, for the client):"), True),
    JobStatus.CANCELLED: (N_("Why is the job cancelled?"), True),
    JobStatus.ON_HOLD: (N_("What are we waiting for?"), True),
}
"""Status changes that ask for a note, and whether it is required."""


class JobActionsScreen(BBScreen[None]):
    """A screen showing one selected job that the lifecycle keys act on."""

    JOB_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "assign", N_("Assign"), tooltip=N_("Assign or hand over"), id="assign"),
        Binding("t", "set_status('triaged')", N_("Triage"),
                tooltip=N_("Mark triaged (un-assigns)"), id="triage"),
        Binding("s", "set_status('in_progress')", N_("Start"),
                tooltip=N_("Work has started / resumes"), id="start"),
        Binding("h", "set_status('on_hold')", N_("Hold"),
                tooltip=N_("Waiting for the client; stops the response clock"), id="hold"),
        Binding("d", "set_status('done')", N_("Done"),
                tooltip=N_("Close with a resolution"), id="done"),
        Binding("x", "set_status('cancelled')", N_("Cancel job"),
                tooltip=N_("Cancel with a reason"), id="cancel-job"),
    ]  # fmt: skip
    """Bindings the subclasses add to theirs."""

    KEY_GROUPS: ClassVar[dict[str, str]] = {
        b.id: N_("The selected job") for b in JOB_BINDINGS if isinstance(b, Binding) and b.id
    }
    """F1's and the palette's group of each key (:mod:`screens.keys`), by binding id."""

    def selected_line(self) -> BoardLine | None:
        """The job the keys act on; the board and the detail say which (None: nothing)."""
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show transitions the selected job cannot take as disabled."""
        if action not in ("set_status", "assign"):
            return True
        line = self.selected_line()
        if line is None:
            return None
        job = line.row.job
        if action == "assign":
            return True if job.status.is_open else None
        target = JobStatus(str(parameters[0]))
        return True if target in allowed_next(job.status) else None

    def why_disabled(self, action: str, parameters: tuple[object, ...] = ()) -> str | None:
        """Said when a lifecycle key is pressed that the selected job cannot take (issue 16)."""
        if action not in ("set_status", "assign"):
            return None
        line = self.selected_line()
        if line is None:
            return _("No job selected.")
        job = line.row.job
        if action == "assign":
            return _("Job {no} is {status}: it cannot be assigned.").format(
                no=job.number, status=STATUS_LABEL[job.status]
            )
        refused = transition_refusal(job.status, JobStatus(str(parameters[0])))
        return None if refused is None else _("Job {no}: {why}").format(no=job.number, why=refused)

    def action_assign(self) -> None:
        """Open the technician picker for the selected job."""
        line = self.selected_line()
        if line is None:
            return
        from screens.assign import AssignScreen

        self.app.push_screen(AssignScreen(line.job_id))

    def action_set_status(self, status: str) -> None:
        """Move the selected job to ``status``, asking first when the step undoes work.

        A step that needs a note asks for it (Esc leaves the job as it was); a
        step that un-assigns asks a yes/no question (:func:`undoes_work`), so no
        single key takes a job away from its technician.
        """
        line = self.selected_line()
        if line is None:
            return
        target = JobStatus(status)
        job_id = line.job_id
        if target in NOTE_TITLES:
            title, required = NOTE_TITLES[target]
            title = _(title)

            def done(note: str | None) -> None:
                if note is not None:
                    self._apply_status(job_id, target, note)

            from screens.note_prompt import NotePrompt  # on use: the board paints first

            self.app.push_screen(NotePrompt(title, required=required), done)
        elif undoes_work(line.row.job.status, target):

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._apply_status(job_id, target, "")

            question = _("Job {no}: take it from {name} and put it back to {status}?").format(
                no=line.row.job.number,
                name=line.row.technician_name or "—",
                status=STATUS_LABEL[target],
            )
            no = _("no, it stays {status}").format(status=STATUS_LABEL[line.row.job.status])
            needs = Needs(Action.JOB_STATUS, job_id=job_id)
            confirm_then(self, ConfirmScreen(question, no=no), needs, confirmed)
        else:
            self._apply_status(job_id, target, "")

    @work(exclusive=True, group="job-status", exit_on_error=False)
    async def _apply_status(self, job_id: int, target: JobStatus, note: str) -> None:
        # The lifecycle and billing services load on the first status change, not
        # before the board's first frame (cold start; preload brings them later).
        from bbdispatch.services.dispatch import change_status

        try:
            await change_status(self.ctx, job_id, target, note)
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            return
        # The board (or the detail) shows the new status before the next key is
        # read: ``s h`` in one burst holds the job just started (issue 13).
        await self.bb.saved()
        self.notify(
            _("Job {no}: {status}.").format(no=job_id, status=STATUS_LABEL[target]), timeout=3
        )
