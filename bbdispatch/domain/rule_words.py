"""A recurring task's schedule in words: *co miesiąc, w pierwszy poniedziałek*.

``FREQ=MONTHLY;BYDAY=1MO`` reads *monthly, on the first Monday* in English (issue 16).

The stored RRULE is the interface of JSON and of the database; people read these
words on screens, in text output and in documents. Phrases are whole per weekday
(``on the first Monday``) because Polish changes the ordinal and the day with
it (*w pierwszy poniedziałek*, *w pierwszą środę*). A rule with parts this
module does not put into words reads *own schedule: FREQ=…*, never bare.
"""

from __future__ import annotations

from datetime import date

from bbdispatch.formats import format_date, month_name, weekday_name
from bbdispatch.i18n import N_, Labels, _, ngettext

ON_DAY = Labels(
    {
        "MO": N_("on Monday"),
        "TU": N_("on Tuesday"),
        "WE": N_("on Wednesday"),
        "TH": N_("on Thursday"),
        "FR": N_("on Friday"),
        "SA": N_("on Saturday"),
        "SU": N_("on Sunday"),
    }
)
"""A weekday after a frequency: *w poniedziałek*, *we wtorek*, *w środę*."""
ON_FIRST = Labels(
    {
        "MO": N_("on the first Monday"),
        "TU": N_("on the first Tuesday"),
        "WE": N_("on the first Wednesday"),
        "TH": N_("on the first Thursday"),
        "FR": N_("on the first Friday"),
        "SA": N_("on the first Saturday"),
        "SU": N_("on the first Sunday"),
    }
)
"""The first weekday of a month: *w pierwszy poniedziałek*, *w pierwszą środę*."""
ON_LAST = Labels(
    {
        "MO": N_("on the last Monday"),
        "TU": N_("on the last Tuesday"),
        "WE": N_("on the last Wednesday"),
        "TH": N_("on the last Thursday"),
        "FR": N_("on the last Friday"),
        "SA": N_("on the last Saturday"),
        "SU": N_("on the last Sunday"),
    }
)
"""The last weekday of a month: *w ostatni piątek*, *w ostatnią sobotę*."""
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""RRULE day codes, Monday first."""
WORKDAYS = "MO,TU,WE,TH,FR"
"""``BYDAY`` of "every workday"."""
SHORT_MONTH_DAYS = "28,29,30,31"
"""``BYMONTHDAY`` of "monthly on day 29-31": the last of these the month has (``BYSETPOS=-1``)."""


def _parts(text: str) -> dict[str, str] | None:
    parts: dict[str, str] = {}
    for item in text.strip().removeprefix("RRULE:").split(";"):
        name, sep, value = item.partition("=")
        if not sep or not value or name.upper() in parts:
            return None
        parts[name.upper()] = value.upper()
    return parts


def _frequency(freq: str, interval: int) -> str | None:
    if interval == 1:
        every = {
            "DAILY": N_("every day"),
            "WEEKLY": N_("weekly"),
            "MONTHLY": N_("monthly"),
            "YEARLY": N_("yearly"),
        }.get(freq)
        return None if every is None else _(every)
    if freq == "DAILY":
        return ngettext("every {n} day", "every {n} days", interval).format(n=interval)
    if freq == "WEEKLY":
        return ngettext("every {n} week", "every {n} weeks", interval).format(n=interval)
    if freq == "MONTHLY":
        return ngettext("every {n} month", "every {n} months", interval).format(n=interval)
    if freq == "YEARLY":
        return ngettext("every {n} year", "every {n} years", interval).format(n=interval)
    return None


def _weekday(item: str) -> str | None:
    code, number = item[-2:], item[:-2]
    if code not in WEEKDAYS:
        return None
    if number in ("", "+"):
        return ON_DAY[code]
    if number in ("1", "+1"):
        return ON_FIRST[code]
    if number == "-1":
        return ON_LAST[code]
    if number.lstrip("+-").isdigit():
        return _("on {day} no. {n} of the month").format(
            day=weekday_name(WEEKDAYS.index(code)), n=number
        )
    return None


def _month_days(value: str, setpos: str | None) -> str | None:
    if value == "-1" and setpos is None:
        return _("on the last day of the month")
    if setpos is not None:
        # "Day N" of a preset for 29-31: the month's last day when it is shorter.
        if setpos != "-1" or not SHORT_MONTH_DAYS.startswith(value) or value.count(",") < 1:
            return None
        return _("on day {n} (or the last day of a shorter month)").format(n=value.split(",")[-1])
    days = value.split(",")
    if len(days) == 1 and days[0] in ("29", "30", "31"):
        # Stored before the preset clamped short months; it runs as the preset means.
        return _("on day {n} (or the last day of a shorter month)").format(n=days[0])
    if not all(d.isdigit() and 1 <= int(d) <= 31 for d in days):
        return None
    return ngettext("on day {days}", "on days {days}", len(days)).format(days=", ".join(days))


def _until(value: str) -> str | None:
    digits = value[:8]
    if not digits.isdigit():
        return None
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return _("until {date}").format(date=format_date(day))


def rule_words(text: str) -> str | None:
    """The words of a rule, or None when it has a part this module does not describe."""
    parts = _parts(text)
    if parts is None or "FREQ" not in parts:
        return None
    known = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "BYMONTH", "COUNT", "UNTIL"}
    if set(parts) - known - {"WKST"}:
        return None
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or int(interval) < 1:
        return None
    byday = parts.get("BYDAY")
    if parts["FREQ"] == "WEEKLY" and int(interval) == 1 and byday == WORKDAYS and len(parts) == 2:
        return _("every workday")
    words = [_frequency(parts["FREQ"], int(interval))]
    if "BYMONTH" in parts:
        months = parts["BYMONTH"].split(",")
        if not all(m.isdigit() and 1 <= int(m) <= 12 for m in months):
            return None
        words.append(_("in {months}").format(months=", ".join(month_name(int(m)) for m in months)))
    if byday is not None:
        if "BYSETPOS" in parts:
            return None
        words += [_weekday(item) for item in byday.split(",")]
    if "BYMONTHDAY" in parts:
        words.append(_month_days(parts["BYMONTHDAY"], parts.get("BYSETPOS")))
    elif "BYSETPOS" in parts:
        return None
    if "COUNT" in parts:
        count = parts["COUNT"]
        if not count.isdigit():
            return None
        words.append(ngettext("{n} run in all", "{n} runs in all", int(count)).format(n=count))
    if "UNTIL" in parts:
        words.append(_until(parts["UNTIL"]))
    if any(w is None for w in words):
        return None
    return ", ".join(w for w in words if w)


def describe_schedule(text: str) -> str:
    """A schedule as people read it, in the session's language; the one formatter of RRULEs.

    ``FREQ=MONTHLY;BYDAY=1MO`` → *co miesiąc, w pierwszy poniedziałek* / *monthly,
    on the first Monday*; a rule with parts it cannot put into words reads *own
    schedule: FREQ=…* (the rule itself, named as such).
    """
    words = rule_words(text)
    if words is not None:
        return words
    return _("own schedule: {rule}").format(rule=text.strip().removeprefix("RRULE:"))
