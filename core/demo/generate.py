"""Plausible reports for one tenant and period, from its own checklist, areas, organisations and functions.

Deterministic: the random generator is seeded by tenant and period, and every pattern depends on the period itself
(never on today), so a period generated while it collects and again once it is over gives the same reports.
Patterns: each theme has its hours and weekdays (gatherings and vandalism in the evenings and at weekends, positive
events by day), most problems happen at an area's few hot places, mostly at each place's own time (a Friday
night, say), each area's volume follows a slow wave over the
weeks (its phase differs per area, so the areas' colours move apart), a tenth of the reports are positive, and a few
come in late, after the deadline but before the picture is compiled.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from core.cycles import periods
from core.demo.places import HABIT_HOURS, AreaPlaces, area_places
from core.demo.texts import comment_for, early_action_for
from core.reports.catalogue import FunctionEntry
from core.reports.service import ReportingContext

PER_WEEK = (40, 150)  # reports per week and tenant, at least and at most
PER_AREA = 30  # reports per week in an average area
WAVE_WEEKS = 14  # one rise and fall of an area's volume
WAVE_HEIGHT = 0.35
POSITIVE_SHARE = 0.1
HOT_PLACE_SHARE = 0.6
HABIT_SHARE = 0.7  # of a hot place's reports happen at its usual time (core.demo.places: Place.habit)
FIRST_REPORT = timedelta(minutes=20)
LAST_REPORT = timedelta(hours=40)
DEADLINE_MARGIN = timedelta(minutes=30)
LATE_SHARE = 0.03  # of reports come in after the deadline, before the picture is compiled (see core.demo.flow)
LATE_BY = timedelta(minutes=50)

EVENING = {**{h: 1 for h in range(8, 17)}, **{h: 4 for h in range(17, 24)}, 0: 2, 1: 1}
# theme → (weight, hours with weights, weekday weights Monday first)
THEMES: dict[str, tuple[float, dict[int, float], tuple[float, ...]]] = {
    "samlingsplatser": (3, {**{h: 0.5 for h in range(12, 17)}, **{h: 4 for h in range(18, 24)}, 0: 1},
                        (1, 1, 1, 1.5, 3, 3, 1.5)),
    "skadegorelse": (4, EVENING, (1, 1, 1, 1, 2, 2.5, 1.5)),
    "narkotika": (2, {**{h: 1 for h in range(13, 18)}, **{h: 3 for h in range(18, 23)}}, (1, 1, 1, 1, 1.5, 1.5, 1)),
    "vald": (1.5, {**{h: 1 for h in range(12, 19)}, **{h: 3 for h in range(19, 24)}, 0: 2, 1: 1},
             (1, 1, 1, 1, 1.5, 2.5, 2)),
    "otillaten_paverkan": (0.7, {h: 1 for h in range(9, 19)}, (1, 1, 1, 1, 1, 0.3, 0.3)),
    "andra_avvikelser": (2, {h: 1 for h in range(8, 23)}, (1, 1, 1, 1, 1, 1, 1)),
    "positiv": (0, {h: 1 for h in range(10, 20)}, (1, 1, 1, 1, 1, 0.7, 0.5)),
}  # fmt: skip
SEVERITY = {"vald": 0.75, "narkotika": 0.6, "otillaten_paverkan": 0.6, "skadegorelse": 0.45,
            "samlingsplatser": 0.35, "andra_avvikelser": 0.35, "positiv": 0.0}  # fmt: skip


@dataclass(frozen=True)
class DemoReport:
    """One generated report: the API's input (as a client would send it) and when it came in."""

    data: dict[str, Any]
    created_at: datetime


def _wave(key: str, week_index: int) -> float:
    """An area's volume factor in a week: 1 ± WAVE_HEIGHT, the same every run."""
    phase = random.Random(f"wave:{key}").uniform(0, WAVE_WEEKS)
    return 1 + WAVE_HEIGHT * math.sin(2 * math.pi * (week_index + phase) / WAVE_WEEKS)


def area_weight(area_key: str) -> float:
    """The rest of a municipality is larger and calmer per report than its named areas."""
    return 0.5 if area_key.startswith(("ovriga", "hela")) else 1.0


def _bounded(count: float) -> float:
    return min(max(count, PER_WEEK[0]), PER_WEEK[1])


def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class Generator:
    """Generates the reports of one tenant's periods from its catalogue (a ``ReportingContext``)."""

    def __init__(self, slug: str, context: ReportingContext) -> None:
        self.slug = slug
        self.context = context
        self.cadence = context.tenant.cadence
        self.zone = periods.zone(self.cadence)
        self.scale = len(context.tenant.severity_scale)
        self.areas = [a for a in context.areas.values() if a.active]
        self.area_by_id = {a.id: a for a in self.areas}
        self.places: dict[int, AreaPlaces] = {a.id: area_places(slug, a.key, a.geometry) for a in self.areas}
        items = [i for i in context.items.values() if not i.retired]
        self.items: dict[str, list] = {}
        for item in items:
            self.items.setdefault("positiv" if item.positive else (item.theme or "andra_avvikelser"), []).append(item)
        self.functions = [f for f in context.functions.values() if f.active]
        # Only the themes the checklist has items for (Örebro's has no drug item, for one).
        self.themes = {t: weight for t, (weight, *_rest) in THEMES.items() if t in self.items and t != "positiv"}

    def period(self, period: periods.Period) -> list[DemoReport]:
        """Every report of the period (also those that come in after now: callers filter on ``created_at``)."""
        rng = random.Random(f"reports:{self.slug}:{period.label}")
        deadline = periods.deadline(period, self.cadence)
        reports = []
        for week in range(period.weeks):
            monday = period.monday + timedelta(weeks=week)
            index = (monday - periods.ANCHOR).days // 7
            volumes = {a.id: PER_AREA * area_weight(a.key) * _wave(f"{self.slug}:{a.key}", index) for a in self.areas}
            total = round(_bounded(sum(volumes.values())) * rng.uniform(0.9, 1.1))
            for _n in range(total):
                report = self._one(rng, monday, volumes, deadline)
                if report is not None:
                    reports.append(report)
        return reports

    def usual(self, weeks: int) -> dict[str, float]:
        """Area key → how many reports a period of ``weeks`` weeks usually has there (the waves' middle)."""
        volumes = {a.key: PER_AREA * area_weight(a.key) for a in self.areas}
        factor = _bounded(sum(volumes.values())) / sum(volumes.values()) if volumes else 0
        return {key: volume * factor * weeks for key, volume in volumes.items()}

    def _one(
        self, rng: random.Random, monday: date, volumes: dict[int, float], deadline: datetime
    ) -> DemoReport | None:
        positive = "positiv" in self.items and rng.random() < POSITIVE_SHARE
        theme = "positiv" if positive else _pick(rng, self.themes)
        area = self.area_by_id[_pick(rng, volumes)]
        item = rng.choice(self.items[theme])
        function = self._function(rng, area.key, item.answered_by)
        if function is None:
            return None
        places = self.places[area.id]
        at_hot_place = theme != "positiv" and rng.random() < HOT_PLACE_SHARE
        place = places.hot_place(rng) if at_hot_place else places.elsewhere(rng)
        if place.habit is not None and rng.random() < HABIT_SHARE:
            weekday, first_hour = place.habit
            start = datetime.combine(monday + timedelta(days=weekday), time(first_hour), self.zone)
            local = start + timedelta(minutes=rng.randrange(HABIT_HOURS * 60))
        else:
            _w, hours, weekdays = THEMES[theme]
            day = monday + timedelta(days=_pick(rng, dict(enumerate(weekdays))))
            local = datetime.combine(day, time(_pick(rng, hours), rng.randrange(60)), self.zone)
        came_in = local + FIRST_REPORT + (LAST_REPORT - FIRST_REPORT) * rng.random() ** 2
        severity = min(self.scale, 1 + int(self.scale * SEVERITY[theme] * rng.random() * 1.6))
        data = {
            "item": item.key,
            "area": area.id,
            "occurred_at": local.isoformat(),
            "severity": severity,
            "place": {"text": place.text, "lat": place.lat, "lon": place.lon},
            "comment": comment_for(rng, theme),
            "early_action": early_action_for(rng, theme),
            "organisation": self.context.organisation_ids[function.organisation_id].key,
            "reporter_function": function.key,
        }
        if rng.random() < LATE_SHARE:
            return DemoReport(data, deadline + LATE_BY * rng.random())
        return DemoReport(data, min(came_in, deadline - DEADLINE_MARGIN))

    def _function(self, rng: random.Random, area_key: str, leg: str | None) -> FunctionEntry | None:
        """A reporting function that answers the item (its leg) and works in the area (a function named for
        another area does not)."""
        others = tuple(f"_{a.key}" for a in self.areas if a.key != area_key)
        candidates = [
            f for f in self.functions
            if not f.key.endswith(others)
            and (leg is None or self.context.organisation_ids[f.organisation_id].leg == leg)
        ]  # fmt: skip
        return rng.choice(candidates) if candidates else None
