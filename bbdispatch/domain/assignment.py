"""Choosing a technician: load, skills, on-site ability, and clashing visits.

Pure rules; the service gathers the numbers from storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bbdispatch.clock import FIRM_ZONE, local
from bbdispatch.dates import nearest_year
from bbdispatch.domain.calendar import FirmCalendar
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.jobs import Category, JobMode
from bbdispatch.domain.people import Technician
from bbdispatch.i18n import _


@dataclass(frozen=True)
class Load:
    """How busy a technician is right now."""

    open_jobs: int = 0
    timer_running: bool = False
    minutes_today: int = 0
    """Minutes booked today (a running timer counts up to now)."""


@dataclass(frozen=True)
class Candidate:
    """A technician offered in the assignment picker."""

    person: Technician
    load: Load
    skill_match: bool
    """Their skills include the job's category."""
    can_do_job_mode: bool
    """False only for an on-site job and a person who does not go on site."""

    @property
    def rank(self) -> tuple[int, int, int, int, int, str]:
        """Sort key: able first, skilled first, then the least loaded."""
        return (
            0 if self.can_do_job_mode else 1,
            0 if self.skill_match else 1,
            self.load.open_jobs,
            1 if self.load.timer_running else 0,
            self.load.minutes_today,
            self.person.name,
        )


def rank_candidates(
    people: Sequence[Technician],
    loads: dict[int, Load],
    category: Category,
    mode: JobMode,
) -> list[Candidate]:
    """Candidates for a job, best match first (the picker preselects the first)."""
    found = [
        Candidate(
            person=p,
            load=loads.get(p.id, Load()),
            skill_match=category.value in p.skills,
            can_do_job_mode=mode is JobMode.REMOTE or p.does_onsite,
        )
        for p in people
    ]
    return sorted(found, key=lambda c: c.rank)


@dataclass(frozen=True)
class Visit:
    """A planned on-site visit of a technician."""

    job_id: int
    client_name: str
    at: datetime


def visits_clash(a: datetime, b: datetime, visit_minutes: int, travel_minutes: int) -> bool:
    """Two visits of one person clash when one cannot end and travel before the other."""
    gap = timedelta(minutes=visit_minutes + travel_minutes)
    return a - gap < b < a + gap


def clashing_visit(
    at: datetime,
    others: Sequence[Visit],
    visit_minutes: int,
    travel_minutes: int,
    exclude_job: int | None = None,
) -> Visit | None:
    """The first of a technician's other visits that clashes with one at ``at``."""
    for visit in sorted(others, key=lambda v: v.at):
        if visit.job_id != exclude_job and visits_clash(
            at, visit.at, visit_minutes, travel_minutes
        ):
            return visit
    return None


def suggest_visit(
    now: datetime, calendar: FirmCalendar, due_at: datetime | None = None
) -> datetime:
    """A sensible first proposal for a visit: two business hours ahead, on a full hour.

    When the job has a response target still ahead (``due_at``) and that
    proposal would miss it (an emergency's 2 clock hours at night), the
    proposal is the target itself, on the quarter hour before it if that is
    still ahead: the dispatcher moves it only on purpose.
    """
    moment = local(calendar.advance(now, timedelta(hours=2)))
    if moment.minute or moment.second or moment.microsecond:
        moment = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if due_at is not None and now < due_at < moment:
        quarter = local(due_at).replace(second=0, microsecond=0)
        quarter -= timedelta(minutes=quarter.minute % 15)
        return (quarter if quarter > now else due_at).astimezone(UTC)
    return moment.astimezone(UTC)


def visit_in_past(at: datetime, now: datetime) -> bool:
    """A visit planned before the current minute (refused: a plan looks ahead).

    The minute ``now`` falls in still counts as ahead, so "now" typed as the
    current ``HH:MM`` is taken. On a remote job the visit is the planned time of
    the remote session, and the same rule holds.
    """
    return at < now.replace(second=0, microsecond=0)


def beyond_target(at: datetime, due_at: datetime | None) -> bool:
    """A visit planned after the job's response target (the dispatcher must be told)."""
    return due_at is not None and at > due_at


def parse_visit(text: str, now: datetime) -> datetime:
    """Read a visit time typed as ``25.11.2026 10:00``, ``25.11 10:00`` or ``10:00`` (today).

    Slashes read as dots (``25/11/2026 10:00``, ``25/11 10:00``): the English
    session shows dates so (:func:`bbdispatch.formats.format_date`). A message
    writes the date form as the field's label does (:func:`bbdispatch.formats.date_hint`).

    Raises:
        DomainError: the text is not one of these forms, or names a day that
            does not exist (``31/02``) or a time that does not (``25:00``).
    """
    from bbdispatch.formats import date_hint, format_date

    today = local(now).date()
    parts = text.split()
    try:
        if len(parts) == 1:
            bits, clock = [], parts[0]
        elif len(parts) == 2:
            bits = [int(b) for b in parts[0].replace("/", ".").strip(".").split(".")]
            if len(bits) not in (2, 3):
                raise ValueError(text)
            clock = parts[1]
        else:
            raise ValueError(text)
        hour, minute = (int(b) for b in clock.split(":"))
        at = time(hour, minute)
    except (ValueError, IndexError) as err:
        raise DomainError(
            _("Type the visit as {form} HH:MM (e.g. {example}).").format(
                form=date_hint(), example=f"{format_date(today)} 10:00"
            )
        ) from err
    try:
        if not bits:
            day = today
        elif len(bits) == 3:
            year = bits[2] + 2000 if bits[2] < 100 else bits[2]
            day = date(year, bits[1], bits[0])
        else:  # no year: the nearest such day ("05.01" typed on 30.12 is next January)
            day = nearest_year(bits[0], bits[1], today)
    except ValueError as err:
        raise DomainError(
            _("No such date: {day} (type the visit as {form} HH:MM).").format(
                day=parts[0], form=date_hint()
            )
        ) from err
    moment = datetime.combine(day, at, tzinfo=FIRM_ZONE)
    return moment.astimezone(UTC)
