"""Schedules of recurring tasks: friendly presets stored as RFC 5545 RRULEs.

Parsing and expanding rules is dateutil's job (``dateutil.rrule``); this module
only builds rule text from presets, validates it and plans which occurrences a
``schedule run`` must create. Occurrences are expanded in the firm's zone, so a
task at 09:00 stays at 09:00 across the change to and from summer time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from itertools import islice

from dateutil.rrule import YEARLY, rrule, rrulestr

from bbdispatch.clock import FIRM_ZONE, format_local, local
from bbdispatch.domain.calendar import FirmCalendar
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.recurring import ClosedDayRule, run_deadline
from bbdispatch.domain.rule_words import describe_schedule
from bbdispatch.formats import format_date, weekday_name
from bbdispatch.i18n import N_, Labels, _
from bbdispatch.text import cell_width

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""RRULE day codes, Monday first."""


class _WeekdayNames(Mapping[str, str]):
    """Day codes as people read them, in the session's language (Babel's names)."""

    def __getitem__(self, code: str) -> str:
        return weekday_name(WEEKDAYS.index(code))

    def __iter__(self) -> Iterator[str]:
        return iter(WEEKDAYS)

    def __len__(self) -> int:
        return len(WEEKDAYS)


WEEKDAY_NAMES: Mapping[str, str] = _WeekdayNames()
"""Day codes as people read them: ``MO`` → ``poniedziałek`` / ``Monday``."""
MAX_CATCH_UP = 10
"""Most missed runs one ``schedule run`` makes for one task (the newest), so a start
date months back or a long downtime cannot flood the board; the rest are reported."""
MIN_GAP = timedelta(hours=23)
"""Recurring tasks run at most once a day (23 h allows for the DST change)."""


class ScheduleError(DomainError):
    """A schedule that cannot be used; the message says why."""


class Preset(StrEnum):
    """The schedules people ask for, each stored as an RRULE."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY_DAY = "monthly-day"
    MONTHLY_FIRST = "monthly-first"
    MONTHLY_LAST_DAY = "monthly-last-day"
    WORKDAYS = "workdays"
    CUSTOM = "custom"


PRESET_LABELS = Labels(
    {
        Preset.WEEKLY: N_("Weekly on a day"),
        Preset.BIWEEKLY: N_("Every 2 weeks on a day"),
        Preset.MONTHLY_DAY: N_("Monthly on day N"),
        Preset.MONTHLY_FIRST: N_("First weekday of month"),
        Preset.MONTHLY_LAST_DAY: N_("Last day of the month"),
        Preset.WORKDAYS: N_("Every workday"),
        Preset.CUSTOM: N_("Custom RRULE"),
    }
)
"""Preset names for the schedule picker."""


def build_rule(preset: Preset, *, weekday: str = "MO", day: int = 1, custom: str = "") -> str:
    """The RRULE text of a preset.

    Raises:
        ScheduleError: a weekday code or day of month that does not exist.
    """
    if preset in (Preset.WEEKLY, Preset.BIWEEKLY, Preset.MONTHLY_FIRST) and (
        weekday not in WEEKDAYS
    ):
        raise ScheduleError(_("Pick a day of the week."))
    if preset is Preset.MONTHLY_DAY and not 1 <= day <= 31:
        raise ScheduleError(_("Day of the month must be 1 to 31."))
    rules = {
        Preset.WEEKLY: f"FREQ=WEEKLY;BYDAY={weekday}",
        Preset.BIWEEKLY: f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}",
        Preset.MONTHLY_DAY: monthly_day_rule(day),
        Preset.MONTHLY_FIRST: f"FREQ=MONTHLY;BYDAY=1{weekday}",
        Preset.MONTHLY_LAST_DAY: "FREQ=MONTHLY;BYMONTHDAY=-1",
        Preset.WORKDAYS: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        Preset.CUSTOM: custom.strip().removeprefix("RRULE:"),
    }
    return rules[preset]


def monthly_day_rule(day: int) -> str:
    """The rule of "monthly on day N": the last day of months too short to have day N.

    Days 1-28 exist in every month. For 29-31 the rule lists the month's last
    days up to N and keeps the last that exists (``BYSETPOS=-1``), so "day 31"
    runs on 30 April and 28 February, and "day 29" on 28 February in a common
    year: the RRULE says so itself, for any tool that reads it.
    """
    if day <= 28:
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    days = ",".join(str(d) for d in range(28, day + 1))
    return f"FREQ=MONTHLY;BYMONTHDAY={days};BYSETPOS=-1"


_LEGACY_MONTHLY_DAY = re.compile(r"FREQ=MONTHLY;BYMONTHDAY=(?P<day>29|30|31)")
"""Rules the preset stored before it clamped short months; read as the preset means."""


def _normalised(text: str) -> str:
    found = _LEGACY_MONTHLY_DAY.fullmatch(text)
    return monthly_day_rule(int(found["day"])) if found else text


_PATTERNS = [
    (Preset.WEEKLY, re.compile(r"FREQ=WEEKLY;BYDAY=(?P<wd>[A-Z]{2})")),
    (Preset.BIWEEKLY, re.compile(r"FREQ=WEEKLY;INTERVAL=2;BYDAY=(?P<wd>[A-Z]{2})")),
    (Preset.MONTHLY_DAY, re.compile(r"FREQ=MONTHLY;BYMONTHDAY=(?P<day>[1-9][0-9]?)")),
    (
        Preset.MONTHLY_DAY,
        re.compile(r"FREQ=MONTHLY;BYMONTHDAY=28(?:,29(?:,30(?:,31)?)?)?,(?P<day>\d+);BYSETPOS=-1"),
    ),
    (Preset.MONTHLY_FIRST, re.compile(r"FREQ=MONTHLY;BYDAY=1(?P<wd>[A-Z]{2})")),
    (Preset.MONTHLY_LAST_DAY, re.compile(r"FREQ=MONTHLY;BYMONTHDAY=-1")),
    (Preset.WORKDAYS, re.compile(r"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")),
]


def preset_of(text: str) -> tuple[Preset, str, int]:
    """Recognise rule text made by :func:`build_rule`: (preset, weekday, day)."""
    for preset, pattern in _PATTERNS:
        found = pattern.fullmatch(text.strip())
        if found:
            groups = found.groupdict()
            weekday = groups.get("wd") or "MO"
            day = int(groups.get("day") or 1)
            if preset is Preset.MONTHLY_DAY and (
                not 1 <= day <= 31 or _normalised(text.strip()) != monthly_day_rule(day)
            ):
                continue
            if weekday in WEEKDAYS:
                return preset, weekday, day
    return Preset.CUSTOM, "MO", 1


def describe_rule(text: str) -> str:
    """A schedule in words, for people (:func:`bbdispatch.domain.rule_words.describe_schedule`)."""
    return describe_schedule(text)


def short_rule(text: str, width: int) -> str:
    """A schedule for a table column of ``width`` cells: its words, else a compact form.

    ``co miesiąc, w pierwszy poniedziałek`` does not fit the recurring tasks'
    column at 80 columns; a rule made by a preset then reads compactly with the
    weekday abbreviated (``1. pon. miesiąca`` / ``first Mon monthly``, ``co
    tydz., wt.``, ``dni robocze``), a custom one reads ``custom rule``. The
    full words stay in the task's detail.
    """
    words = describe_schedule(text)
    if cell_width(words) <= width:
        return words
    preset, weekday, day = preset_of(text)
    name = weekday_name(WEEKDAYS.index(weekday), width="abbreviated")
    return {
        Preset.WEEKLY: _("weekly, {day}").format(day=name),
        Preset.BIWEEKLY: _("every 2 weeks, {day}").format(day=name),
        Preset.MONTHLY_DAY: _("monthly, day {n}").format(n=day),
        Preset.MONTHLY_FIRST: _("first {day} monthly").format(day=name),
        Preset.MONTHLY_LAST_DAY: _("end of month"),
        Preset.WORKDAYS: _("workdays"),
        Preset.CUSTOM: _("custom rule"),
    }[preset]


def parse_rule(text: str, starts_at: datetime) -> rrule:
    """Parse and check a schedule anchored at its first run.

    Every error dateutil raises while reading or first stepping through the
    rule becomes a :class:`ScheduleError` in words (:func:`_in_words`), so a
    form shows it at the field and a command prints one line.

    Raises:
        ScheduleError: the text is not an RRULE dateutil accepts, carries its
            own DTSTART, runs more than once a day, or never occurs.
    """
    text = _normalised(text.strip().removeprefix("RRULE:"))
    if not text:
        raise ScheduleError(_("Enter a schedule."))
    if "DTSTART" in text.upper():
        raise ScheduleError(_("Leave DTSTART out; the first run sets it."))
    _check_parts(text)
    try:
        rule = rrulestr(text, dtstart=local(starts_at))
        if not isinstance(rule, rrule):
            raise ScheduleError(_("Use a single RRULE."))
        _check_until(rule, local(starts_at))
        _check_runs_soon(rule, local(starts_at))
        first: list[datetime] = list(islice(rule, 10))
    except ScheduleError:
        raise
    except (ValueError, TypeError, OverflowError) as err:
        # dateutil's own words (or Python's, past year 9999) never reach a person.
        raise ScheduleError(_in_words(err, text)) from err
    if not first:
        raise ScheduleError(_("This schedule never occurs."))
    for a, b in zip(first, first[1:], strict=False):
        if b - a < MIN_GAP:
            raise ScheduleError(_("A recurring task runs at most once a day."))
    return rule


HORIZON_YEARS = 5
"""A schedule must have a run within this many years of its first run."""

RULE_PARTS = frozenset({
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYYEARDAY",
    "BYWEEKNO", "BYSETPOS", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST",
})  # fmt: skip
"""The parts of an RRULE dateutil understands."""

FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")


def NOT_UNDERSTOOD() -> str:  # noqa: N802 - a message, named like the constants around it
    """The message for a rule dateutil refuses without a part to blame."""
    return _("The schedule is not understood; write it like FREQ=WEEKLY;BYDAY=MO.")


def _in_words(err: Exception, text: str) -> str:
    """What a dateutil error about ``text`` means, for the person who typed it.

    dateutil refuses a sub-daily rule whose INTERVAL never meets its BYHOUR,
    BYMINUTE or BYSECOND ("Invalid combination of interval and byhour resulting
    in empty rule"); that is named with the part. Anything else is
    :func:`NOT_UNDERSTOOD`.
    """
    found = re.search(r"combination of interval and (by\w+)", str(err))
    if found is None:
        return NOT_UNDERSTOOD()
    interval = next(
        (p.partition("=")[2].strip() for p in text.split(";")
         if p.partition("=")[0].strip().upper() == "INTERVAL"),
        "1",
    )  # fmt: skip
    return _(
        "INTERVAL={interval} never meets {part}: the task would never run."
        " For a daily run at 10:00 write FREQ=DAILY;BYHOUR=10."
    ).format(interval=interval, part=found.group(1).upper())


def _check_parts(text: str) -> None:
    """Name the part of a rule that is wrong, in words, before dateutil sees it.

    Raises:
        ScheduleError: a part without ``=``, an unknown part, a bad frequency or
            value (``BYDAY cannot be XX``).
    """
    names: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, eq, value = part.partition("=")
        name = name.strip().upper()
        if not eq or not value.strip():
            raise ScheduleError(
                _("Each part of the schedule is NAME=VALUE; “{part}” is not.").format(part=part)
            )
        if name not in RULE_PARTS:
            raise ScheduleError(
                _("“{name}” is not a part of a schedule; use FREQ, INTERVAL, BYDAY,"
                  " BYMONTHDAY, BYMONTH, COUNT or UNTIL.").format(name=name)
            )  # fmt: skip
        if name in names:
            raise ScheduleError(_("{name} is given twice.").format(name=name))
        names.append(name)
        if name in ("INTERVAL", "COUNT"):
            _check_whole(name, value.strip())
            continue
        if name == "UNTIL" and re.fullmatch(r"\d{8}", value.strip()):
            raise ScheduleError(
                _("UNTIL needs a time too, in UTC: write {value}T235959Z.").format(
                    value=value.strip()
                )
            )
        if name == "FREQ":
            if value.strip().upper() not in FREQUENCIES:
                raise ScheduleError(
                    _("FREQ cannot be “{value}”; use DAILY, WEEKLY, MONTHLY or YEARLY.").format(
                        value=value
                    )
                )
            continue
        try:
            rrulestr(f"FREQ=YEARLY;{part}", dtstart=datetime(2026, 1, 1, tzinfo=FIRM_ZONE))
        except (ValueError, TypeError) as err:
            raise ScheduleError(
                _("{name} cannot be “{value}”.").format(name=name, value=value)
            ) from err
    if "FREQ" not in names:
        raise ScheduleError(_("Say how often: FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."))


def _check_whole(name: str, value: str) -> None:
    """INTERVAL and COUNT are whole numbers from 1: 0 or -1 used to read "more than once a day".

    Raises:
        ScheduleError: naming the part, the value and what it must be.
    """
    if not re.fullmatch(r"[+-]?\d{1,9}", value):
        raise ScheduleError(
            _("{name} must be a whole number, like {name}=2; “{value}” is not.").format(
                name=name, value=value
            )
        )
    if int(value) < 1:
        message = (
            _("INTERVAL must be 1 or more (INTERVAL=2: every second day, week or month);"
              " “{value}” is not.")
            if name == "INTERVAL"
            else _("COUNT is how many runs and must be 1 or more; “{value}” is not.")
        )  # fmt: skip
        raise ScheduleError(message.format(value=value))


def _check_until(rule: rrule, start: datetime) -> None:
    """An UNTIL before the first run used to read "This schedule never occurs".

    Raises:
        ScheduleError: naming both moments in the firm's time.
    """
    until = getattr(rule, "_until", None)
    if isinstance(until, datetime) and until < start:
        raise ScheduleError(
            _(
                "UNTIL ({until}) is before the first run ({first}): the task would never run."
            ).format(until=format_local(until), first=format_local(start))
        )


def _check_runs_soon(rule: rrule, start: datetime) -> None:
    """Refuse a rule with no run within :data:`HORIZON_YEARS` years, quickly.

    dateutil looks for the next run until year 9999: a daily rule that never
    matches (``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30``) takes minutes. The same
    filters at a yearly frequency match the same days or more and are searched
    a year at a time, so they decide fast whether any run exists in the horizon.

    Raises:
        ScheduleError: no run within the horizon.
    """
    horizon = start.replace(year=start.year + HORIZON_YEARS, day=min(start.day, 28))
    probe = rule.replace(freq=YEARLY, interval=1, count=None, until=horizon)
    if probe.after(start, inc=True) is None:
        raise ScheduleError(
            _(
                "This schedule has no run in the {n} years after its first run; check the"
                " days and months it names."
            ).format(n=HORIZON_YEARS)
        )


def skips_closed_days(text: str) -> bool:
    """Whether a schedule runs on working days only ("every workday").

    Such a schedule skips weekends, Polish public holidays and the firm's own
    closed days (``domain.calendar``); every other schedule runs when it says.
    """
    return preset_of(text)[0] is Preset.WORKDAYS


def on_calendar(
    moment: datetime, calendar: FirmCalendar, on_closed: ClosedDayRule, *, workdays_only: bool
) -> datetime | None:
    """Where the firm's calendar puts one occurrence of a schedule.

    Args:
        moment: the occurrence the rule gives (aware, firm's zone).
        calendar: the firm's calendar (weekends, public holidays, closed days).
        on_closed: the task's rule for a closed day.
        workdays_only: an "every workday" schedule: its closed days are skipped
            whatever the task says (moving them would run twice on the next day).

    Returns:
        The occurrence itself on a working day; on a closed day None (skip) or
        the same wall-clock time on the next working day (firm's zone).

    Raises:
        ValueError: the calendar has no working day within ten years.
    """
    day = local(moment).date()
    if calendar.is_workday(day):
        return moment
    if workdays_only or on_closed is ClosedDayRule.SKIP:
        return None
    moved = calendar.next_workday(day, inclusive=False)
    return datetime.combine(moved, local(moment).time(), tzinfo=FIRM_ZONE)


def next_occurrences(
    text: str,
    starts_at: datetime,
    after: datetime,
    calendar: FirmCalendar,
    count: int = 3,
    *,
    on_closed: ClosedDayRule = ClosedDayRule.NEXT_WORKDAY,
) -> list[datetime]:
    """The next ``count`` runs at or after ``after`` (aware, firm's zone).

    Runs follow the firm's calendar (:func:`on_calendar`): a run on a closed
    day is skipped or moved to the next working day, as ``on_closed`` says;
    "every workday" skips closed days. The search is bounded: at most
    :data:`_MAX_LOOKED_AT` occurrences, and none after the last day the
    calendar knows (:attr:`FirmCalendar.known_until`, 31.12.2100).
    """
    rule = parse_rule(text, starts_at)
    workdays_only = skips_closed_days(text)
    known = calendar.known_until
    found: set[datetime] = set()
    # One pass over the occurrences (``rule.after`` from each one started from
    # the first run again: seconds for a schedule the calendar keeps skipping).
    for moment in rule.xafter(local(after), count=_MAX_LOOKED_AT, inc=True):
        # A moved run is never earlier than its occurrence: once the occurrences
        # pass the latest of ``count`` runs found, no earlier run can turn up.
        if len(found) >= count and moment > sorted(found)[count - 1]:
            break
        if moment.date() > known:
            break  # the calendar knows no holidays that far: no run is planned there
        placed = on_calendar(moment, calendar, on_closed, workdays_only=workdays_only)
        if placed is not None and placed >= local(after) and placed.date() <= known:
            found.add(placed)
    return sorted(found)[:count]


_MAX_LOOKED_AT = 1000
"""Occurrences one preview looks at before giving up (a calendar closed for years)."""


def check_runs_on_calendar(
    text: str, starts_at: datetime, calendar: FirmCalendar, on_closed: ClosedDayRule
) -> None:
    """Refuse a schedule whose every run the firm's calendar drops.

    ``FREQ=WEEKLY;BYDAY=SU`` with closed days skipped never runs: the rule has
    runs, the calendar skips each. The search is bounded like the one of
    :func:`parse_rule`: occurrences in the :data:`HORIZON_YEARS` years from
    the first run (at most :data:`_MAX_LOOKED_AT`), none after the last day
    the calendar knows. The task form shows this refusal instead of "Next:
    never", and saving makes it, whatever the front end.

    Raises:
        ScheduleError: the schedule is not valid, or no run survives the calendar.
    """
    rule = parse_rule(text, starts_at)
    start = local(starts_at)
    if start.date() > calendar.known_until:
        raise ScheduleError(
            _(
                "The firm's calendar knows public holidays up to {last}: plan runs before then."
            ).format(last=format_date(calendar.known_until))
        )
    horizon = start.replace(year=start.year + HORIZON_YEARS, day=min(start.day, 28))
    workdays_only = skips_closed_days(text)
    for moment in rule.xafter(start, count=_MAX_LOOKED_AT, inc=True):
        if moment > horizon or moment.date() > calendar.known_until:
            break
        if on_calendar(moment, calendar, on_closed, workdays_only=workdays_only) is not None:
            return
    raise ScheduleError(
        _(
            "Every run of this schedule falls on a day the firm is closed, and closed"
            " days are skipped: the task would never run. Choose other days, or"
            " “next working day”."
        )
    )


@dataclass(frozen=True)
class RunPlan:
    """What a ``schedule run`` makes of one task: the runs to create and the ones it leaves."""

    runs: list[tuple[datetime, bool]] = field(default_factory=list)
    """(run in the firm's zone, late) pairs, oldest first."""
    skipped: list[datetime] = field(default_factory=list)
    """Missed runs not created (catch-up off, or over :data:`MAX_CATCH_UP`), oldest first."""


def plan_runs(
    text: str,
    starts_at: datetime,
    *,
    last: datetime | None,
    now: datetime,
    catch_up: bool,
    calendar: FirmCalendar,
    until: datetime | None = None,
    on_closed: ClosedDayRule = ClosedDayRule.NEXT_WORKDAY,
    runs_from: datetime | None = None,
    limit: int | None = MAX_CATCH_UP,
) -> RunPlan:
    """Runs a ``schedule run`` at ``now`` must create, with whether each is late.

    Args:
        text: the RRULE.
        starts_at: the first run, the rule's DTSTART.
        last: the newest run already created, if any; only later ones count.
        now: the moment of the run; runs after it are not due yet.
        catch_up: create every missed run (up to ``limit``, the newest);
            otherwise only the newest due one.
        calendar: the firm's calendar (weekends, public holidays, closed days).
        until: no run after this (the contract's end).
        on_closed: a run on a closed day is skipped or moved to the next working
            day at the same time; "every workday" always skips.
        runs_from: no run before this moment (the task's answer about missed runs).
        limit: most runs made at once (None: no limit, for previews of missed runs).

    Returns:
        The runs, one per moment, and the missed ones left out. Late means the
        run's day was already over when it was created (the scheduler was down).
        A run moved past ``now`` waits for a later ``schedule run``: ``last``
        stays before its occurrence, so it is planned again then.
    """
    rule = parse_rule(text, starts_at)
    end = now if until is None else min(now, until)
    # No run past the last day the calendar knows its holidays (31.12.2100).
    end = min(end, datetime.combine(calendar.known_until, time.max, tzinfo=FIRM_ZONE))
    floor = max((m for m in (last, runs_from) if m is not None), default=None)
    if floor is None:
        due = rule.between(local(starts_at), local(end), inc=True)
    else:
        # A run moved to the next working day may come from an occurrence a few
        # days before the floor (a long holiday): look back a fortnight.
        due = rule.between(local(floor) - timedelta(days=14), local(end), inc=True)
    workdays_only = skips_closed_days(text)
    placed: set[datetime] = set()
    for occurrence in due:
        if last is not None and occurrence <= last:
            continue
        moved = on_calendar(occurrence, calendar, on_closed, workdays_only=workdays_only)
        if moved is None or moved > end:
            continue
        if (last is None or moved > last) and (runs_from is None or moved >= runs_from):
            placed.add(moved)
    runs = sorted(placed)
    keep = len(runs) if limit is None else limit
    if not catch_up:
        keep = 1
    skipped, runs = runs[: max(len(runs) - keep, 0)], runs[max(len(runs) - keep, 0) :]
    return RunPlan(
        [(d.astimezone(FIRM_ZONE), now >= run_deadline(d)) for d in runs],
        [d.astimezone(FIRM_ZONE) for d in skipped],
    )


def plan_occurrences(
    text: str,
    starts_at: datetime,
    *,
    last: datetime | None,
    now: datetime,
    catch_up: bool,
    calendar: FirmCalendar,
    until: datetime | None = None,
    on_closed: ClosedDayRule = ClosedDayRule.NEXT_WORKDAY,
) -> list[tuple[datetime, bool]]:
    """The runs of :func:`plan_runs`, without the skipped ones (oldest first, with late)."""
    return plan_runs(
        text, starts_at, last=last, now=now, catch_up=catch_up, calendar=calendar,
        until=until, on_closed=on_closed,
    ).runs  # fmt: skip


def missed_runs(
    text: str,
    starts_at: datetime,
    *,
    since: datetime | None,
    today: datetime,
    calendar: FirmCalendar,
    on_closed: ClosedDayRule = ClosedDayRule.NEXT_WORKDAY,
) -> list[datetime]:
    """Runs of a schedule that fell before ``today`` (the start of the firm's day), after ``since``.

    What the task form and resuming a paused task ask about: ``since`` is the
    newest run already made (or where the task was allowed to start), None for
    a new task (from its first run). Oldest first, in the firm's zone.
    """
    before = today - timedelta(microseconds=1)
    plan = plan_runs(
        text, starts_at, last=since, now=before, catch_up=True, calendar=calendar,
        on_closed=on_closed, limit=None,
    )  # fmt: skip
    return [run for run, _late in plan.runs]


def period_days(text: str, starts_at: datetime, at: datetime) -> int | None:
    """How many days a run at ``at`` covers: the gap to the schedule's run before it.

    A weekly task covers 7 days, "monthly on day 1" covers the month before
    (28-31 days), "every workday" 1 day (3 after a weekend). The first run,
    with none before it, covers the gap to the next one. Dates are the firm's.

    Returns:
        At least 1; None for a schedule that no longer parses or has a single run.
    """
    try:
        rule = parse_rule(text, starts_at)
    except ScheduleError:
        return None
    moment = local(at)
    here = rule.before(moment, inc=True) or rule.after(moment, inc=True)
    if here is None:
        return None
    other = rule.before(here, inc=False) or rule.after(here, inc=False)
    if other is None:
        return None
    return max(abs((here.date() - other.date()).days), 1)


def parse_first_run(text: str) -> datetime:
    """Read a local date and time as people type it: ``01.12.2026 09:00`` or ``2026-12-01 09:00``.

    Raises:
        ScheduleError: not a date and time.
    """
    cleaned = " ".join(text.split())
    for pattern in ("%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            naive = datetime.strptime(cleaned, pattern)  # noqa: DTZ007 - zone set next
        except ValueError:
            continue
        return naive.replace(tzinfo=FIRM_ZONE)
    raise ScheduleError(_("Date and time like 01.12.2026 09:00."))
