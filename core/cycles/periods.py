"""Reporting periods in the tenant's local time (Europe/Stockholm for the pilots).

A weekly tenant's period is one ISO week; a fortnightly tenant's is two consecutive ISO weeks. Two-week blocks
are counted continuously from ISO week 2024-W01 (not by week-number parity, which breaks in 53-week years):
``fortnight_parity = "odd"`` means blocks start on 2024-W01, W03, …; ``"even"`` on 2024-W02, W04, … and on
every second week after, across year boundaries.

A period's reporting deadline is the tenant's deadline weekday and time in the week after the period (e.g.
Sollentuna: reports about last week are due Wednesday 10:00). A report made after it is accepted and marked
late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ANCHOR = date(2024, 1, 1)  # Monday of ISO week 2024-W01
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100  # what est accepts as a time of an event or a period


def check_year(moment: datetime | date) -> None:
    """Refuse years est cannot mean (typos such as 0024, or 9999): a validator for schemas."""
    import marshmallow as ma

    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ma.ValidationError(f"Årtalet måste ligga mellan {EARLIEST_YEAR} och {LATEST_YEAR}.")


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


WEEKDAYS_SV = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december")  # fmt: skip


def swedish_moment(moment: datetime, cadence: dict) -> str:
    """E.g. "onsdag 20 mars kl. 10:00", in the tenant's time zone (independent of the machine's locale)."""
    local = moment.astimezone(zone(cadence))
    return f"{WEEKDAYS_SV[local.weekday()]} {local.day} {MONTHS_SV[local.month - 1]} kl. {local:%H:%M}"
