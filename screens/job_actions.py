"""Keys that move a job through its lifecycle, shared by the board and the job detail."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from bbdispatch.domain.board import BoardLine
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.lifecycle import STATUS_LABEL, allowed_next
from bbdispatch.i18n import N_, _
from bbdispatch.services.dispatch import change_status
from bbdispatch.services.errors import USER_ERRORS
from screens.base import BBScreen
from screens.note_prompt import NotePrompt

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

    def action_assign(self) -> None:
        """Open the technician picker for the selected job."""
        line = self.selected_line()
        if line is None:
            return
        from screens.assign import AssignScreen

        self.app.push_screen(AssignScreen(line.job_id))

    def action_set_status(self, status: str) -> None:
        """Move the selected job to ``status``, asking for a note when it needs one."""
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

            self.app.push_screen(NotePrompt(title, required=required), done)
        else:
            self._apply_status(job_id, target, "")

    @work(exclusive=True, group="job-status", exit_on_error=False)
    async def _apply_status(self, job_id: int, target: JobStatus, note: str) -> None:
        try:
            await change_status(self.ctx, job_id, target, note)
        except USER_ERRORS as err:
            self.notify(str(err), severity="error")
            return
        self.notify(
            _("Job {no}: {status}.").format(no=job_id, status=STATUS_LABEL[target]), timeout=3
        )
