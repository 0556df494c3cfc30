"""The one calendar: reporting periods and analysis periods, in the tenant's local time (Europe/Stockholm for the
pilots).

A weekly tenant's period is one ISO week; a fortnightly tenant's is two consecutive ISO weeks. Two-week blocks
are counted continuously from ISO week 2024-W01 (not by week-number parity, which breaks in 53-week years):
``fortnight_parity = "odd"`` means blocks start on 2024-W01, W03, …; ``"even"`` on 2024-W02, W04, … and on
every second week after, across year boundaries.

A period's reporting deadline is the tenant's deadline weekday and time in the week after the period (e.g.
Sollentuna: reports about last week are due Wednesday 10:00). A report made after it is accepted and marked
late.

Longer pictures cover a month, quarter, tertial or year. Every period is a :class:`Span` of local dates
[start, end), so a window is local midnight to local midnight whatever daylight saving does in between; a label
that names no real period (``2027-W53``, ``2026-W99``, ``2026-13``) is refused by :func:`parse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.i18n import N_, _

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ANCHOR = date(2024, 1, 1)  # Monday of ISO week 2024-W01
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100  # what est accepts as a time of an event or a period
WEEK_KINDS = ("weekly", "fortnightly")
LONG_KINDS = ("monthly", "quarterly", "tertial", "annual")
LABEL_KINDS = ("weekly", *LONG_KINDS)  # a fortnight is labelled by its first week
MONTHS_IN = {"monthly": 1, "quarterly": 3, "tertial": 4, "annual": 12}
LABEL_PATTERNS = {
    "weekly": re.compile(r"^(\d{4})-W(\d{2})$"),
    "monthly": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarterly": re.compile(r"^(\d{4})-Q(\d)$"),
    "tertial": re.compile(r"^(\d{4})-T(\d)$"),
    "annual": re.compile(r"^(\d{4})()$"),
}
EXAMPLES = {"weekly": "2026-W05", "monthly": "2026-03", "quarterly": "2026-Q1", "tertial": "2026-T1",
            "annual": "2026"}  # fmt: skip
NO_SUCH = {
    "weekly": N_("Week {number} does not exist in {year} (1–{last})."),
    "monthly": N_("Month {number} does not exist in {year} (1–{last})."),
    "quarterly": N_("Quarter {number} does not exist in {year} (1–{last})."),
    "tertial": N_("Tertial {number} does not exist in {year} (1–{last})."),
}
YEAR_RANGE = N_("The year must lie between {first} and {last}.")


class InvalidPeriod(ValueError):
    """A label that is malformed or names a period that does not exist; the message is for the user."""


def check_year(moment: datetime | date) -> None:
    """Refuse years est cannot mean (typos such as 0024, or 9999): a validator for schemas."""
    import marshmallow as ma

    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ma.ValidationError(_(YEAR_RANGE, first=EARLIEST_YEAR, last=LATEST_YEAR))


def weeks_in_year(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its year."""
    return date(year, 12, 28).isocalendar()[1]


# --- reporting periods (ISO weeks, fortnights) -------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """``weeks`` ISO weeks starting with the week whose Monday is ``monday``."""

    monday: date
    weeks: int = 1

    @property
    def label(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    def start(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.monday, time(0), zone)

    def end(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.monday + timedelta(weeks=self.weeks), time(0), zone)

    def previous(self) -> Period:
        return Period(self.monday - timedelta(weeks=self.weeks), self.weeks)

    def next(self) -> Period:
        return Period(self.monday + timedelta(weeks=self.weeks), self.weeks)


def zone(cadence: dict) -> ZoneInfo:
    return ZoneInfo(cadence.get("timezone", "Europe/Stockholm"))


def week_label(moment: datetime, cadence: dict) -> str:
    year, week, _ = moment.astimezone(zone(cadence)).isocalendar()
    return f"{year}-W{week:02d}"


def period_of(moment: datetime, cadence: dict) -> Period:
    local = moment.astimezone(zone(cadence)).date()
    monday = local - timedelta(days=local.weekday())
    if cadence.get("frequency") != "fortnightly":
        return Period(monday, 1)
    index = (monday - ANCHOR).days // 7
    offset = 0 if cadence.get("fortnight_parity", "odd") == "odd" else 1
    if (index - offset) % 2:
        monday -= timedelta(weeks=1)
    return Period(monday, 2)


def deadline(period: Period, cadence: dict) -> datetime:
    day = period.monday + timedelta(weeks=period.weeks, days=WEEKDAYS.index(cadence["deadline_weekday"]))
    hour, minute = (int(part) for part in cadence["deadline_time"].split(":"))
    return datetime.combine(day, time(hour, minute), zone(cadence))


def same_weeks_last_year(period: Period) -> Period:
    """The same ISO week(s) a year earlier; week 53 maps to week 52 in a year that has none."""
    year, week, _ = period.monday.isocalendar()
    monday = date.fromisocalendar(year - 1, min(week, weeks_in_year(year - 1)), 1)
    return Period(monday, period.weeks)


# --- spans: any period as local dates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A period as local dates [start, end), with its kind and label."""

    kind: str
    label: str
    start: date
    end: date

    def window(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return datetime.combine(self.start, time(0), zone), datetime.combine(self.end, time(0), zone)


def week_span(period: Period) -> Span:
    kind = "weekly" if period.weeks == 1 else "fortnightly"
    return Span(kind, period.label, period.monday, period.monday + timedelta(weeks=period.weeks))


def _month_span(kind: str, year: int, month: int) -> Span:
    """The ``kind`` period starting on the first of ``month``."""
    end_index = year * 12 + month - 1 + MONTHS_IN[kind]
    label = {"monthly": f"{year}-{month:02d}", "quarterly": f"{year}-Q{(month - 1) // 3 + 1}",
             "tertial": f"{year}-T{(month - 1) // 4 + 1}", "annual": f"{year}"}[kind]  # fmt: skip
    return Span(kind, label, date(year, month, 1), date(end_index // 12, end_index % 12 + 1, 1))


def shift(span: Span, steps: int) -> Span:
    """The month-based span ``steps`` periods later (negative: earlier), of the same kind."""
    index = span.start.year * 12 + span.start.month - 1 + steps * MONTHS_IN[span.kind]
    return _month_span(span.kind, index // 12, index % 12 + 1)


def parse(label: str, kinds: tuple[str, ...] = LABEL_KINDS) -> Span:
    """The span a label names, of one of ``kinds`` (a fortnight is labelled by its first week, so "weekly" covers
    both). Raises :class:`InvalidPeriod` for a malformed label or a period that does not exist."""
    for kind in kinds:
        match = LABEL_PATTERNS[kind].match(label)
        if match is not None:
            break
    else:
        raise InvalidPeriod(
            _("Give the period as {examples}.", examples=(" " + _("or") + " ").join(EXAMPLES[k] for k in kinds))
        )
    year = int(match.group(1))
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise InvalidPeriod(_(YEAR_RANGE, first=EARLIEST_YEAR, last=LATEST_YEAR))
    if kind == "annual":
        return _month_span(kind, year, 1)
    number = int(match.group(2))
    last = weeks_in_year(year) if kind == "weekly" else 12 // MONTHS_IN[kind]
    if not 1 <= number <= last:
        raise InvalidPeriod(_(NO_SUCH[kind], number=number, year=year, last=last))
    if kind == "weekly":
        return week_span(Period(date.fromisocalendar(year, number, 1)))
    return _month_span(kind, year, (number - 1) * MONTHS_IN[kind] + 1)


def comparison_spans(span: Span, period: Period | None = None) -> dict[str, Span]:
    """The periods a picture compares with: the previous one, the one before, and the same period last year."""
    if period is not None:
        previous = period.previous()
        return {
            "previous": week_span(previous),
            "before_previous": week_span(previous.previous()),
            "last_year": week_span(same_weeks_last_year(period)),
        }
    return {
        "previous": shift(span, -1),
        "before_previous": shift(span, -2),
        "last_year": shift(span, -12 // MONTHS_IN[span.kind]),
    }
