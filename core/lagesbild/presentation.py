"""A lägesbild as people read it: the one view model behind its web page and its renderings (HTML e-mail, PDF).

:func:`present` turns a compiled picture into a :class:`Presentation` — texts in the caller's locale, numbers with
their direction in words and as an arrow, charts (:mod:`core.charts`), hot spots and hot times as sentences
("Vivallagatan, fredagar 21–24"), each area's assessment with its strip of earlier ones, and the map's data
(:mod:`core.map_svg`).

Two audiences. ``internal`` shows everything the picture holds. ``public`` is safe to hand to the media: nothing
finer than an area (no points, no place texts, no hot spot names), counts below the tenant's
``public_count_threshold`` read "färre än N", and free text only where a coordinator marked it public. This is
structural, not a filter at the end: the builder reads nothing but a :class:`_Source`, a frozen record without
defaults, made by :func:`_source` field by field, each field saying what the public one holds — a field added to
the statistics later reaches no rendering until someone adds it there on purpose.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.lists import format_list
from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from core.charts import Chart, StripCell, assessment_colour, assessment_strip, bar_chart, line_chart, value_series
from core.cycles import periods
from core.cycles.periods import LONG_KINDS, Span
from core.db import UTCDateTime
from core.i18n import N_, _, current_locale, format_moment, ngettext
from core.lagesbild import service
from core.lagesbild.models import Lagesbild
from core.lagesbild.statistics import COMPARISON_KEYS, POSITIVE_THEME, THEMES, normalise_place
from core.map_svg import MapArea, MapData, MapPoint
from core.reports.catalogue import Catalogue, catalogue
from core.reports.models import Report
from core.tenants.models import Tenant

__all__ = ["TREND_PERIODS", "AreaView", "Direction", "Figure", "HotSpot", "Presentation", "present", "trend_counts"]

Audience = Literal["internal", "public"]
TREND_PERIODS = 12
STRIP_LENGTH = 12

THEME_NAMES = {
    "narkotika": N_("Narcotics"),
    "vald": N_("Violence"),
    "skadegorelse": N_("Vandalism"),
    "otillaten_paverkan": N_("Undue influence"),
    "andra_avvikelser": N_("Other deviations"),
    "samlingsplatser": N_("Gathering places"),
    POSITIVE_THEME: N_("Positive events"),
}
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
WEEKDAYS_PLURAL = (
    N_("Mondays"),
    N_("Tuesdays"),
    N_("Wednesdays"),
    N_("Thursdays"),
    N_("Fridays"),
    N_("Saturdays"),
    N_("Sundays"),
)
STATUS = {"draft": N_("Draft"), "compiled": N_("Compiled"), "assessed": N_("Assessed"), "published": N_("Published")}
COMPARISONS = {
    "previous": N_("the previous period"),
    "before_previous": N_("the period before that"),
    "last_year": N_("the same period last year"),
}
ARROWS = {"more": "↑", "less": "↓", "same": "→"}
TREND_WORDS = {
    "more": N_("more than {comparison}"),
    "less": N_("fewer than {comparison}"),
    "same": N_("as many as {comparison}"),
}


# --- the view model ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Direction:
    """A figure against one earlier period: ``words`` e.g. "fler än föregående period", ``arrow`` ↑ ↓ →."""

    comparison: str  # "previous" | "before_previous" | "last_year"
    period_label: str
    trend: str  # more | less | same
    arrow: str
    words: str
    then: str  # the earlier count as shown ("färre än 3" in public)
    change: str  # signed, e.g. "+3"; empty in public (it would give small counts away)


@dataclass(frozen=True)
class Figure:
    """A count (the total, problems, positive, or one theme) with its directions."""

    key: str
    label: str
    count: str  # as shown: "12", or "färre än 3" in public
    directions: tuple[Direction, ...]


@dataclass(frozen=True)
class HotSpot:
    """Where and when reports pile up, as a sentence: "Vivallagatan, fredagar 21–24" (public: the area only)."""

    text: str
    count: str


@dataclass(frozen=True)
class AreaView:
    """An area's assessment on the tenant's scale: the colour always with its ``label`` (never colour alone)."""

    area_id: int
    name: str
    count: str
    level: int | None
    label: str
    colour: str | None
    conditions: str
    strip: Chart | None
    risk: Chart | None


@dataclass(frozen=True)
class Presentation:
    audience: str
    title: str
    period_label: str
    period_start: date
    period_end: date  # the last day, inclusive
    period_text: str  # e.g. "4 mars 2024 – 10 mars 2024"
    status: str
    status_text: str
    version: int
    published_at: datetime | None
    published_text: str
    totals: tuple[Figure, ...]  # total, problems, positive
    uncompared: str  # e.g. "Ingen jämförelse med samma period förra året: est har inga rapporter från då."
    themes: tuple[Figure, ...]
    charts: tuple[Chart, ...]  # by hour, by weekday, by theme, the 12-period trend per theme
    hot_spots: tuple[HotSpot, ...]
    hot_times: tuple[str, ...]
    positives: tuple[str, ...]
    areas: tuple[AreaView, ...]
    summary: str
    map: MapData
    map_title: str
    map_description: str

    @staticmethod
    def counted(where: str, count: str) -> str:
        """ "Vivallagatan: 1 rapport", "Norr: 5 rapporter", "Norr: färre än 3 rapporter" — a place and a count as
        shown (``count``: digits, or the public "fewer than N"), the noun in its number."""
        if not count.isdigit():
            return _("{where}: {count} reports", where=where, count=count)
        return _("{where}: {reports}", where=where, reports=ngettext("{n} report", "{n} reports", int(count)))


# --- what a presentation may read ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """Everything the builder reads; no defaults, so each audience's source names every field it gives."""

    total: int
    problems: int
    positive: int
    by_theme: Mapping[str, int]
    by_area: Mapping[str, int]
    by_hour: Sequence[int]
    by_weekday: Sequence[int]
    comparisons: Mapping[str, tuple[str, int, Mapping[str, int]] | None]  # key → (label, total, by_theme)
    hot_spots: tuple[tuple[str, int, str], ...]  # (where, count, when)
    hot_times: tuple[tuple[int, int, int], ...]  # (weekday, hour, count)
    positives: tuple[str, ...]
    points: tuple[MapPoint, ...]
    hot_spot_points: tuple[MapPoint, ...]
    summary: str
    areas: tuple[tuple[int, int, str], ...]  # (area id, level, conditions)


WINDOW_HOURS = 4  # the longest window still worth saying as "when"
WEEK_HOURS = 7 * 24


def _when(times: Sequence[datetime], zone: ZoneInfo) -> str:
    """When the reports of a place happen, as a weekday and hours: "fredagar 21–24", "fredagar 22–02" (past midnight
    it is still Friday night). The shortest window of whole hours, at most :data:`WINDOW_HOURS`, that holds every
    report, else two thirds of them; else "vid olika tider"."""
    if not times:
        return ""
    local = (moment.astimezone(zone) for moment in times)
    slots = Counter(moment.weekday() * 24 + moment.hour for moment in local)
    for wanted in (len(times), math.ceil(len(times) * 2 / 3)):
        for length in range(1, WINDOW_HOURS + 1):
            held = {start: sum(slots[(start + k) % WEEK_HOURS] for k in range(length)) for start in slots}
            start = max(held, key=lambda s: (held[s], -s))
            if held[start] >= wanted:
                return _weekday_hours(start // 24, start % 24, length)
    return _("at different times")


def _weekday_hours(weekday: int, hour: int, length: int) -> str:
    """ "fredagar 21–24", "fredagar 23–01": hours as a Swedish clock shows them."""
    end = hour + length
    return _("{weekdays} {start}–{end}", weekdays=_(WEEKDAYS_PLURAL[weekday]), start=f"{hour:02d}",
             end=f"{end if end == 24 else end % 24:02d}")  # fmt: skip


def _places(
    statistics: Mapping[str, Any], cat: Catalogue, zone: ZoneInfo, *, public: bool
) -> list[tuple[str, int, str]]:
    """Hot spots (clustered points) and repeated place texts, with when they happen. Internally a spot is named by
    its reports' most common place text (else its area); publicly only by its area."""
    rows = {row["id"]: row for row in statistics.get("rows", [])}
    result: list[tuple[str, int, str]] = []
    for spot in statistics.get("hot_spots", []):
        members = [rows[i] for i in spot["report_ids"] if i in rows]
        area = Counter(row["area_key"] for row in members).most_common(1)
        area_name = _area_name(cat, area[0][0]) if area else ""
        texts = Counter(row["place_text"].strip() for row in members if row.get("place_text"))
        where = area_name if public or not texts else texts.most_common(1)[0][0]
        times = [datetime.fromisoformat(row["occurred_at"]) for row in members]
        result.append((where, spot["count"], _when(times, zone)))
    if public:
        return result
    named = {normalise_place(where) for where, _count, _when_text in result}
    for place in statistics.get("repeated_places", []):
        wanted = normalise_place(place["place"])
        if wanted in named:  # already said as a hot spot
            continue
        times = [
            datetime.fromisoformat(row["occurred_at"])
            for row in rows.values()
            if row.get("place_text") and normalise_place(row["place_text"]) == wanted
        ]
        result.append((place["place"], place["count"], _when(times, zone)))
    return result


def _area_name(cat: Catalogue, key: str) -> str:
    entry = cat.areas_by_key.get(key)
    return entry.name if entry else key


def _comparisons(statistics: Mapping[str, Any]) -> dict[str, tuple[str, int, dict[str, int]] | None]:
    result: dict[str, tuple[str, int, dict[str, int]] | None] = {}
    for key in COMPARISON_KEYS:
        entry = (statistics.get("direction") or {}).get(key)
        result[key] = (
            None
            if entry is None
            else (entry["label"], int(entry["total"]), {k: int(v["then"]) for k, v in entry["by_theme"].items()})
        )
    return result


def _assessed(picture: Lagesbild, public: bool) -> tuple[tuple[int, int, str], ...]:
    entries = (picture.assessment or {}).get("areas", [])
    return tuple(
        (int(e["area"]), int(e["level"]), e.get("conditions", "") if not public or e.get("public") else "")
        for e in entries
    )


def _source(
    statistics: Mapping[str, Any], picture: Lagesbild, cat: Catalogue, zone: ZoneInfo, *, public: bool
) -> _Source:
    """What the builder may read. For ``public``, the whitelist: counts, times, area-level hot spots, positive
    events by item and area, no points, and free text only where a coordinator marked it public."""
    assessment = picture.assessment or {}
    return _Source(
        total=statistics["total"],
        problems=statistics["problems"],
        positive=statistics["positive"],
        by_theme=statistics["by_theme"],
        by_area=statistics["by_area"],
        by_hour=statistics["by_hour"],
        by_weekday=statistics["by_weekday"],
        comparisons=_comparisons(statistics),
        hot_spots=tuple(_places(statistics, cat, zone, public=public)),
        hot_times=tuple((t["weekday"], t["hour"], t["count"]) for t in statistics["hot_times"]),
        positives=tuple(_positive(cat, p, public=public) for p in statistics["positives"]),
        points=() if public else tuple(MapPoint(p["lon"], p["lat"], bool(p["positive"])) for p in statistics["points"]),
        hot_spot_points=(
            () if public else tuple(MapPoint(s["lon"], s["lat"], count=s["count"]) for s in statistics["hot_spots"])
        ),
        summary=assessment.get("summary", "") if not public or assessment.get("summary_public") else "",
        areas=_assessed(picture, public=public),
    )


def _positive(cat: Catalogue, event: Mapping[str, Any], *, public: bool) -> str:
    """A positive event in words: its item and area, and (internal only) the place as reported."""
    place = "" if public else event.get("place_text") or ""
    return ", ".join(
        part for part in (_item_text(cat, event["item_key"]), _area_name(cat, event["area_key"]), place) if part
    )


def _item_text(cat: Catalogue, key: str) -> str:
    item = cat.items.get(key)
    return item.text if item else key


# --- building ------------------------------------------------------------------------------------------------------


class _Counts:
    """Counts as shown to an audience: in public, 1 … threshold − 1 read "färre än N" and draw as 0."""

    def __init__(self, threshold: int | None) -> None:
        self.threshold = threshold

    def hidden(self, n: int) -> bool:
        return self.threshold is not None and 0 < n < self.threshold

    def text(self, n: int) -> str:
        return _("fewer than {n}", n=self.threshold) if self.hidden(n) else str(n)

    def drawn(self, n: int) -> int:
        return 0 if self.hidden(n) else n


def _directions(now: int, then: Mapping[str, int | None], labels: Mapping[str, str], counts: _Counts):
    result = []
    for key in COMPARISON_KEYS:
        earlier = then.get(key)
        if earlier is None:
            continue
        trend = "more" if now > earlier else "less" if now < earlier else "same"
        words = _(TREND_WORDS[trend], comparison=_(COMPARISONS[key]))
        change = "" if counts.threshold is not None else f"{now - earlier:+d}"
        result.append(Direction(key, labels[key], trend, ARROWS[trend], words, counts.text(earlier), change))
    return tuple(result)


def _figure(key: str, label: str, now: int, then: Mapping[str, int | None], labels, counts: _Counts) -> Figure:
    return Figure(key, label, counts.text(now), _directions(now, then, labels, counts))


def _spans(picture: Lagesbild) -> list[Span]:
    """The 12 periods ending with the picture's, oldest first."""
    if picture.kind in LONG_KINDS:
        span = Span(picture.kind, picture.label, picture.period_start, picture.period_end)
        return [periods.shift(span, -n) for n in range(TREND_PERIODS - 1, -1, -1)]
    period = periods.Period(picture.period_start, 2 if picture.kind == "fortnightly" else 1)
    found = [period]
    for _n in range(TREND_PERIODS - 1):
        found.append(found[-1].previous())
    return [periods.week_span(p) for p in reversed(found)]


def trend_counts(session: Session, picture: Lagesbild, zone: ZoneInfo) -> tuple[list[str], dict[str, list[int]]]:
    """Reports per theme in each of the 12 periods ending with the picture's (same scope): one grouped query, one
    range scan of the (tenant, occurred_at) index over the 12 periods. Only reports filed before the picture was
    compiled count, as in its statistics: a late report never changes a picture once it is compiled (nor,
    therefore, a published rendering)."""
    spans = _spans(picture)
    bounds = [span.window(zone)[1] for span in spans]
    params: dict[str, Any] = {f"bound_{i}": bound for i, bound in enumerate(bounds)}
    bucket = case(*[(Report.occurred_at < bindparam(f"bound_{i}", type_=UTCDateTime()), i) for i in range(len(bounds))])
    theme = func.coalesce(Report.theme, POSITIVE_THEME)
    scope = service.scope_of(picture)
    statement = scope.apply(
        select(bucket.label("bucket"), theme.label("theme"), func.count())
        .where(Report.occurred_at >= bindparam("first", type_=UTCDateTime()))
        .where(Report.occurred_at < bindparam(f"bound_{len(bounds) - 1}", type_=UTCDateTime()))
        .where(Report.created_at <= bindparam("compiled", type_=UTCDateTime()))
        .group_by(bucket, theme)
    )
    params["first"] = spans[0].window(zone)[0]
    params["compiled"] = picture.compiled_at or datetime.max.replace(tzinfo=UTC)
    counts: dict[str, list[int]] = {}
    for index, key, count in session.execute(statement, {**params, **scope.parameters()}):
        counts.setdefault(key, [0] * len(spans))[index] += count
    return [span.label for span in spans], counts


def _strips(session: Session, tenant: Tenant, picture: Lagesbild, areas: Sequence[tuple[int, int, str]]):
    """Each assessed area's last 12 assessments (this picture's last) and, where it has any, its risk values."""
    scale, labels = service.scale_of(tenant, picture)
    ids = [area_id for area_id, _, _ in areas]
    history = service.history(session, ids, scale, until=picture.published_at, limit=STRIP_LENGTH)
    risks = service.history(session, ids, "risk", until=picture.published_at, limit=STRIP_LENGTH)
    result = {}
    for area_id, level, _conditions in areas:
        earlier = [h for h in reversed(history.get(area_id, [])) if h["lagesbild"] != picture.id]
        cells = [StripCell(h["period"], h["label"], h["value"], len(labels)) for h in earlier]
        cells.append(StripCell(picture.label, labels[level - 1], level, len(labels)))
        result[area_id] = (cells[-STRIP_LENGTH:], list(reversed(risks.get(area_id, []))))
    return result, labels


def _uncompared(comparisons: Mapping[str, Any]) -> str:
    """Which earlier periods the picture is not compared with, because est has no reports from then."""
    missing = [_(COMPARISONS[key]) for key in COMPARISON_KEYS if comparisons.get(key) is None]
    if not missing:
        return ""
    return _("No comparison with {periods}: est has no reports from then.",
             periods=format_list(missing, locale=current_locale()))  # fmt: skip


def _local_day(moment: date) -> str:
    return format_date(moment, "long", locale=current_locale())


def present(session: Session, tenant: Tenant, picture: Lagesbild, *, audience: Audience) -> Presentation:
    """The picture as ``audience`` reads it, in the current locale. ``session`` must be in the tenant's scope;
    the picture must be compiled (its statistics present)."""
    if audience not in ("internal", "public"):
        raise ValueError(f"unknown audience {audience!r}")
    if picture.statistics is None:
        raise ValueError("the lägesbild is not compiled")
    zone = periods.zone(tenant.cadence)
    cat = catalogue(session, tenant)
    public = audience == "public"
    source = _source(picture.statistics, picture, cat, zone, public=public)
    counts = _Counts(tenant.public_count_threshold if public else None)
    labels = {k: v[0] for k, v in source.comparisons.items() if v is not None}

    def then(pick) -> dict[str, int | None]:
        return {k: (pick(v) if v is not None else None) for k, v in source.comparisons.items()}

    totals = (
        _figure("total", _("Reports"), source.total, then(lambda v: v[1]), labels, counts),
        _figure(
            "problems",
            _("Problems"),
            source.problems,
            then(lambda v: v[1] - v[2].get(POSITIVE_THEME, 0)),
            labels,
            counts,
        ),
        _figure(
            "positive",
            _("Positive events"),
            source.positive,
            then(lambda v: v[2].get(POSITIVE_THEME, 0)),
            labels,
            counts,
        ),
    )
    themes = tuple(
        _figure(
            key,
            _(THEME_NAMES[key]),
            source.by_theme.get(key, 0),
            then(lambda v, key=key: v[2].get(key, 0)),
            labels,
            counts,
        )
        for key in (*THEMES, POSITIVE_THEME)
    )
    charts = _charts(session, picture, source, zone, counts)
    strips, scale_labels = _strips(session, tenant, picture, source.areas)
    areas = tuple(_area_view(cat, tenant, area, strips[area[0]], scale_labels, source, counts) for area in source.areas)
    hot_spots = tuple(
        HotSpot(", ".join(part for part in (where, when) if part), counts.text(count))
        for where, count, when in source.hot_spots
    )
    hot_times = tuple(
        _("{when}: {count}", when=_weekday_hours(weekday, hour, 1), count=counts.text(count))
        for weekday, hour, count in source.hot_times
    )
    map_areas = tuple(
        MapArea(entry.name, _rings(entry.geometry), counts.text(source.by_area.get(entry.key, 0)) if public else "")
        for entry in cat.areas.values()
        if entry.active
    )
    last_day = date.fromordinal(picture.period_end.toordinal() - 1)
    return Presentation(
        audience=audience,
        title=picture.title,
        period_label=picture.label,
        period_start=picture.period_start,
        period_end=last_day,
        period_text=f"{_local_day(picture.period_start)} – {_local_day(last_day)}",
        status=picture.status,
        status_text=_(STATUS.get(picture.status, picture.status)),
        version=picture.version,
        published_at=picture.published_at,
        published_text=format_moment(picture.published_at, zone) if picture.published_at else "",
        totals=totals,
        uncompared=_uncompared(source.comparisons),
        themes=themes,
        charts=charts,
        hot_spots=hot_spots,
        hot_times=hot_times,
        positives=source.positives,
        areas=areas,
        summary=source.summary,
        map=MapData(areas=map_areas, points=source.points, hot_spots=source.hot_spot_points),
        map_title=_("Map of the reports") if not public else _("Map of the areas"),
        map_description=_("Reports as dots (hollow: positive events), hot spots as dashed rings with their count.")
        if not public
        else _("The areas with their number of reports."),
    )


def _rings(geometry: Mapping[str, Any] | None) -> tuple[tuple[tuple[float, float], ...], ...]:
    if not geometry:
        return ()
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return tuple(tuple((float(lon), float(lat)) for lon, lat, *_rest in polygon[0]) for polygon in polygons)


def _charts(session: Session, picture: Lagesbild, source: _Source, zone: ZoneInfo, counts: _Counts):
    def bars(chart_id: str, title: str, description: str, categories: list[str], values: Sequence[int], header: str):
        return bar_chart(
            chart_id,
            title,
            description,
            categories,
            [counts.drawn(v) for v in values],
            headers=(header, _("Reports")),
            texts=[counts.text(v) for v in values],
        )

    hour_labels = [f"{h:02d}" for h in range(24)]
    theme_keys = [*THEMES, POSITIVE_THEME]
    period_labels, trend = trend_counts(session, picture, zone)
    series = [
        (_(THEME_NAMES[k]), [counts.drawn(v) for v in trend.get(k, [0] * len(period_labels))]) for k in theme_keys
    ]
    texts = [[counts.text(v) for v in trend.get(k, [0] * len(period_labels))] for k in theme_keys]
    return (
        bars(
            "chart-hour",
            _("Reports by hour of day"),
            _("Number of reports in each hour of the day, 00–23."),
            hour_labels,
            source.by_hour,
            _("Hour"),
        ),
        bars(
            "chart-weekday",
            _("Reports by weekday"),
            _("Number of reports on each weekday, Monday first."),
            [_(d) for d in WEEKDAYS],
            source.by_weekday,
            _("Weekday"),
        ),
        bars(
            "chart-theme",
            _("Reports by theme"),
            _("Number of reports in each theme."),
            [_(THEME_NAMES[k]) for k in theme_keys],
            [source.by_theme.get(k, 0) for k in theme_keys],
            _("Theme"),
        ),
        line_chart(
            "chart-trend",
            _("Reports per theme, the last {n} periods", n=len(period_labels)),
            _("One line per theme, told apart by marker and dash; the table gives the numbers."),
            period_labels,
            series,
            period_header=_("Period"),
            texts=texts,
        ),
    )


def _area_view(cat: Catalogue, tenant: Tenant, area, strip, scale_labels, source: _Source, counts: _Counts):
    area_id, level, conditions = area
    entry = cat.areas.get(area_id)
    name = entry.name if entry else str(area_id)
    cells, risks = strip
    strip_chart = assessment_strip(
        f"strip-{area_id}",
        _("{area}: the last assessments", area=name),
        _("The area's assessments, oldest first, each with its label."),
        cells,
        headers=(_("Period"), _("Assessment")),
    )
    risk_chart = (
        value_series(
            f"risk-{area_id}",
            _("{area}: risk value", area=name),
            _("The area's risk value over its latest assessments, 1–{max}.", max=tenant.risk_scale_max),
            [r["period"] for r in risks],
            [r["value"] for r in risks],
            maximum=tenant.risk_scale_max,
            headers=(_("Period"), _("Risk value")),
        )
        if risks
        else None
    )
    return AreaView(
        area_id=area_id,
        name=name,
        count=counts.text(source.by_area.get(entry.key, 0) if entry else 0),
        level=level,
        label=scale_labels[level - 1],
        colour=assessment_colour(level, len(scale_labels)),
        conditions=conditions,
        strip=strip_chart,
        risk=risk_chart,
    )
