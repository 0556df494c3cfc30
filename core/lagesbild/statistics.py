"""The figures of a lägesbild (situation picture), compiled from the reports of one period.

A lägesbild is a joint description, analysis and assessment of the ongoing development in an area (handbook
ch. 10, p. 34–39). The weekly picture (fig 10.3) asks, per prioritised area, for the **development direction**
and for each problem picture's *vad, var, hur, när* (what, where, how, when); digital support shows the reports
on a map and in bar charts (p. 27, 36). This module computes those figures and nothing else — no database, no
Flask — so that a compile job can store the result as JSON and any view can draw it:

* ``total`` / ``positive`` / ``problems`` and the counts ``by_item``, ``by_theme``, ``by_area``,
  ``by_organisation`` and ``by_severity`` — *vad* and *var*: which problems were reported, where and by whom, and
  how serious they were judged. Positive observations are counted under the theme ``"positiv"`` and listed in
  ``positives``, because the picture should also show what works.
* ``by_hour`` (24 counts) and ``by_weekday`` (7 counts, Monday first) — *när*: the bar charts of hour of day and
  weekday, in the tenant's local time (daylight saving aware).
* ``hot_times`` — the (weekday, hour) slots where reports pile up: the **hot times** that tell the partners when
  to be present.
* ``hot_spots`` — clusters of reported points (single linkage within 250 m, at least 3 reports): the **hot
  spots** that tell them where. ``repeated_places`` does the same for the free-text place descriptions of
  reports without (or besides) a point.
* ``points`` — every reported point, for the map (see :func:`to_geojson`).
* ``direction`` — the **development direction** (more / less / same) against the previous period, the one before
  it and the same period last year, in total and per theme, area and item; ``null`` for a period est knows
  nothing of (it began before the tenant's first report: ``core.lagesbild.service``).
* ``rows`` — a compact copy of every report, so that local pictures (e.g. one per area) can be rolled up into
  the municipality's picture by :func:`merge_statistics` with exactly the figures a direct compilation gives.

Everything returned is JSON-serialisable: only ``str``/``int``/``float``/``bool``/``None``/``list``/``dict``,
string keys, times as ISO 8601 strings in the local zone. Reports are identified by ``id``; if the same id
occurs twice, the first occurrence counts.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

__all__ = [
    "COMPARISON_KEYS",
    "HOT_SPOT_DISTANCE_M",
    "HOT_SPOT_MIN_REPORTS",
    "HOT_TIMES_LIMIT",
    "POSITIVE_THEME",
    "THEMES",
    "UNKNOWN_ORGANISATION",
    "Comparison",
    "ReportRow",
    "compile_statistics",
    "haversine_m",
    "merge_statistics",
    "normalise_place",
    "to_geojson",
    "trend",
]

THEMES = ("narkotika", "vald", "skadegorelse", "otillaten_paverkan", "andra_avvikelser", "samlingsplatser")
POSITIVE_THEME = "positiv"
UNKNOWN_ORGANISATION = "okand"
COMPARISON_KEYS = ("previous", "before_previous", "last_year")

HOT_SPOT_DISTANCE_M = 250.0
HOT_SPOT_MIN_REPORTS = 3
HOT_SPOT_TOP_ITEMS = 3
HOT_TIMES_LIMIT = 5
HOT_TIMES_MIN_COUNT = 2
REPEATED_PLACE_MIN_COUNT = 2

EARTH_RADIUS_M = 6_371_000.0


class ReportRow(NamedTuple):
    """One report, as far as the statistics need it (a named tuple: made straight from a result row)."""

    id: int
    item_key: str
    theme: str | None  # one of THEMES; None for positive items
    positive: bool
    area_key: str
    organisation_key: str | None
    occurred_at: datetime  # timezone-aware
    lat: float | None
    lon: float | None
    place_text: str | None
    severity: int


@dataclass(frozen=True)
class Comparison:
    """Counts of an earlier period, for the development direction."""

    label: str  # e.g. "2024-W10"
    total: int
    by_theme: Mapping[str, int]  # positives counted under the key "positiv"
    by_item: Mapping[str, int]
    by_area: Mapping[str, int]


# --------------------------------------------------------------------------------------------------------------
# Public API


def compile_statistics(
    rows: Sequence[ReportRow], *, zone: ZoneInfo, comparisons: Mapping[str, Comparison | None]
) -> dict[str, Any]:
    """Compile the figures of one lägesbild from the reports ``rows``; local times are taken in ``zone``.

    ``comparisons`` maps ``"previous"``, ``"before_previous"`` and ``"last_year"`` to the counts of those periods
    (``None`` when not available) and gives the development direction. See the module docstring for the keys.
    """
    if not zone.key:
        raise ValueError("the time zone must be a named IANA zone (e.g. Europe/Stockholm)")
    unique = _unique_by_id(rows)
    unique.sort(key=lambda row: row.id)

    by_item: Counter[str] = Counter()
    by_theme: Counter[str] = Counter()
    by_area: Counter[str] = Counter()
    by_organisation: Counter[str] = Counter()
    by_severity: Counter[int] = Counter()
    by_hour = [0] * 24
    by_weekday = [0] * 7
    slots: Counter[tuple[int, int]] = Counter()
    positives: list[tuple[datetime, int, dict[str, Any]]] = []
    points: list[dict[str, Any]] = []
    compact: list[dict[str, Any]] = []
    places: list[tuple[int, str]] = []
    located: list[ReportRow] = []
    positive_count = 0

    for row in unique:
        occurred = row.occurred_at
        if occurred.tzinfo is None or occurred.utcoffset() is None:
            raise ValueError(f"report {row.id}: occurred_at must be timezone-aware")
        local = occurred.astimezone(zone)
        occurred_iso = local.isoformat()
        theme = POSITIVE_THEME if row.positive else (row.theme or "")

        by_item[row.item_key] += 1
        by_theme[theme] += 1
        by_area[row.area_key] += 1
        by_organisation[row.organisation_key or UNKNOWN_ORGANISATION] += 1
        by_severity[row.severity] += 1
        weekday, hour = local.weekday(), local.hour
        by_hour[hour] += 1
        by_weekday[weekday] += 1
        slots[(weekday, hour)] += 1

        if row.positive:
            positive_count += 1
            positives.append(
                (
                    occurred,
                    row.id,
                    {
                        "id": row.id,
                        "item_key": row.item_key,
                        "area_key": row.area_key,
                        "place_text": row.place_text,
                        "occurred_at": occurred_iso,
                    },
                )
            )
        if row.lat is not None and row.lon is not None:
            located.append(row)
            points.append(
                {
                    "id": row.id,
                    "lat": row.lat,
                    "lon": row.lon,
                    "item_key": row.item_key,
                    "theme": row.theme,
                    "positive": row.positive,
                    "severity": row.severity,
                    "area_key": row.area_key,
                    "occurred_at": occurred_iso,
                }
            )
        if row.place_text is not None:
            places.append((row.id, row.place_text))
        compact.append(
            {
                "id": row.id,
                "item_key": row.item_key,
                "theme": row.theme,
                "positive": row.positive,
                "area_key": row.area_key,
                "organisation_key": row.organisation_key,
                "occurred_at": occurred_iso,
                "lat": row.lat,
                "lon": row.lon,
                "place_text": row.place_text,
                "severity": row.severity,
            }
        )

    positives.sort(key=lambda entry: (entry[0], entry[1]))
    total = len(unique)
    statistics: dict[str, Any] = {
        "zone": zone.key,
        "total": total,
        "positive": positive_count,
        "problems": total - positive_count,
        "by_item": _sorted_counts(by_item),
        "by_theme": _sorted_counts(by_theme),
        "by_area": _sorted_counts(by_area),
        "by_organisation": _sorted_counts(by_organisation),
        "by_severity": {str(severity): by_severity[severity] for severity in sorted(by_severity)},
        "by_hour": by_hour,
        "by_weekday": by_weekday,
        "hot_times": _hot_times(slots),
        "hot_spots": _hot_spots(located),
        "repeated_places": _repeated_places(places),
        "positives": [entry for _, _, entry in positives],
        "points": points,
        "rows": compact,
    }
    statistics["direction"] = _direction(statistics, comparisons)
    return statistics


def merge_statistics(
    parts: Sequence[dict[str, Any]],
    *,
    comparisons: Mapping[str, Comparison | None],
    zone: ZoneInfo | None = None,
) -> dict[str, Any]:
    """Roll several pictures (e.g. one per area) up into one, re-deriving every figure from their ``rows``.

    Reports present in several parts count once (by id). The parts must share one time zone, which is read
    from their ``"zone"``; ``zone`` is only needed when ``parts`` is empty (and must agree otherwise). The
    result equals :func:`compile_statistics` over all the parts' reports with the given ``comparisons``.
    """
    zone_names = {part["zone"] for part in parts}
    if zone is not None:
        zone_names.add(zone.key)
    if len(zone_names) > 1:
        raise ValueError(f"cannot merge pictures compiled in different time zones: {sorted(zone_names)}")
    if not zone_names:
        raise ValueError("nothing to merge: give at least one part or a zone")
    merged_zone = zone or ZoneInfo(zone_names.pop())
    rows = [_row_from_dict(entry) for part in parts for entry in part["rows"]]
    return compile_statistics(rows, zone=merged_zone, comparisons=comparisons)


def to_geojson(statistics: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: report points (``kind: report``) and hot spots (``kind: hot_spot``), [lon, lat]."""
    features: list[dict[str, Any]] = []
    for point in statistics["points"]:
        properties = {key: point[key] for key in _POINT_PROPERTIES}
        properties["kind"] = "report"
        features.append(_feature(point["lon"], point["lat"], properties))
    for spot in statistics["hot_spots"]:
        properties = {
            "count": spot["count"],
            "radius_m": spot["radius_m"],
            "top_items": list(spot["top_items"]),
            "kind": "hot_spot",
        }
        features.append(_feature(spot["lon"], spot["lat"], properties))
    return {"type": "FeatureCollection", "features": features}


def trend(now: int, then: int) -> str:
    """The development direction: ``"more"``, ``"less"`` or ``"same"``."""
    if now > then:
        return "more"
    if now < then:
        return "less"
    return "same"


# --------------------------------------------------------------------------------------------------------------
# Counts, times, places, direction

_POINT_PROPERTIES = ("id", "item_key", "theme", "positive", "severity", "area_key", "occurred_at")


def _unique_by_id(rows: Iterable[ReportRow]) -> list[ReportRow]:
    seen: set[int] = set()
    unique: list[ReportRow] = []
    for row in rows:
        if row.id not in seen:
            seen.add(row.id)
            unique.append(row)
    return unique


def _sorted_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts ordered by count (descending), then key."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _hot_times(slots: Mapping[tuple[int, int], int]) -> list[dict[str, int]]:
    ranked = sorted(
        ((weekday, hour, count) for (weekday, hour), count in slots.items() if count >= HOT_TIMES_MIN_COUNT),
        key=lambda slot: (-slot[2], slot[0], slot[1]),
    )
    return [{"weekday": weekday, "hour": hour, "count": count} for weekday, hour, count in ranked[:HOT_TIMES_LIMIT]]


def normalise_place(text: str) -> str:
    """Case-folded, whitespace collapsed, trailing punctuation removed: ``"  Stora  Torget. "`` → ``"stora torget"``."""
    normalised = " ".join(text.casefold().split())
    while normalised and unicodedata.category(normalised[-1]).startswith("P"):
        normalised = normalised[:-1].rstrip()
    return normalised


def _repeated_places(places: Sequence[tuple[int, str]]) -> list[dict[str, Any]]:
    """Place descriptions given at least twice; shown as first spelt (by report id)."""
    counts: Counter[str] = Counter()
    display: dict[str, str] = {}
    normalised: dict[str, str] = {}
    for _, text in sorted(places):
        key = normalised.get(text)
        if key is None:
            key = normalised[text] = normalise_place(text)
        if not key:
            continue
        counts[key] += 1
        display.setdefault(key, text.strip())
    repeated = [(display[key], count) for key, count in counts.items() if count >= REPEATED_PLACE_MIN_COUNT]
    repeated.sort(key=lambda entry: (-entry[1], entry[0]))
    return [{"place": place, "count": count} for place, count in repeated]


def _direction(statistics: Mapping[str, Any], comparisons: Mapping[str, Comparison | None]) -> dict[str, Any]:
    keys = list(COMPARISON_KEYS) + [key for key in comparisons if key not in COMPARISON_KEYS]
    direction: dict[str, Any] = {}
    for key in keys:
        comparison = comparisons.get(key)
        if comparison is None:
            direction[key] = None
            continue
        direction[key] = {
            "label": comparison.label,
            "total": comparison.total,
            "change": statistics["total"] - comparison.total,
            "trend": trend(statistics["total"], comparison.total),
            "by_theme": _compare(statistics["by_theme"], comparison.by_theme),
            "by_area": _compare(statistics["by_area"], comparison.by_area),
            "by_item": _compare(statistics["by_item"], comparison.by_item),
        }
    return direction


def _compare(now: Mapping[str, int], then: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for key in sorted(set(now) | set(then)):
        current, earlier = int(now.get(key, 0)), int(then.get(key, 0))
        result[key] = {"now": current, "then": earlier, "trend": trend(current, earlier)}
    return result


def _row_from_dict(entry: Mapping[str, Any]) -> ReportRow:
    return ReportRow(
        id=entry["id"],
        item_key=entry["item_key"],
        theme=entry["theme"],
        positive=entry["positive"],
        area_key=entry["area_key"],
        organisation_key=entry["organisation_key"],
        occurred_at=datetime.fromisoformat(entry["occurred_at"]),
        lat=entry["lat"],
        lon=entry["lon"],
        place_text=entry["place_text"],
        severity=entry["severity"],
    )


def _feature(lon: float, lat: float, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


# --------------------------------------------------------------------------------------------------------------
# Hot spots
#
# Single-linkage clustering: two reports are linked when their great-circle (haversine) distance is at most
# HOT_SPOT_DISTANCE_M, and a hot spot is a connected component of at least HOT_SPOT_MIN_REPORTS reports.
#
# To stay linear for thousands of points they are bucketed in a grid. The grid is laid in 3-D space (metres)
# around the earth's surface, which is uniform everywhere — no distortion at high latitudes, no seam at the
# antimeridian — with its z axis turned towards the points' mean position, so that a municipality's points lie
# in one or two layers of cells. The great-circle distance d and the straight (chord) distance c are tied by
# c = 2R·sin(d / 2R), so "within 250 m" is "chord within C = 2R·sin(250 m / 2R)". The cells are cubes of side
# C/√3 (about 144 m, shrunk by a hair for rounding): any two points in one cell are within C of each other, so a
# cell is joined as a whole, and points within C lie at most two cells apart along each axis. Union-find then
# runs over cells; a pair of neighbouring cells is only examined (pairwise haversine, stopping at the first
# link) while the two are not yet in one component, nearest offsets first over all cells.

_MAX_HAVERSINE_A = math.sin(HOT_SPOT_DISTANCE_M / (2 * EARTH_RADIUS_M)) ** 2
_CHORD_M = 2 * EARTH_RADIUS_M * math.sin(HOT_SPOT_DISTANCE_M / (2 * EARTH_RADIUS_M))
_CELL_M = _CHORD_M / math.sqrt(3) * (1 - 1e-6)
_REACH = math.ceil(_CHORD_M / _CELL_M)
# Cell (ix, iy, iz) is packed into one int; each index shifted by _SHIFT stays within [0, _BASE).
_SHIFT = 1 << 16
_BASE = 1 << 17
assert EARTH_RADIUS_M / _CELL_M + _REACH + 1 < _SHIFT


def _neighbour_offsets() -> list[tuple[int, int, int]]:
    """Half of the cell offsets that may hold a point within reach (the other half is symmetric), nearest first."""
    offsets: list[tuple[float, int, tuple[int, int, int]]] = []
    span = range(-_REACH, _REACH + 1)
    for dx in span:
        for dy in span:
            for dz in span:
                offset = (dx, dy, dz)
                if offset <= (0, 0, 0):
                    continue
                gap = _CELL_M * math.sqrt(sum(max(abs(d) - 1, 0) ** 2 for d in offset))
                if gap <= _CHORD_M:
                    offsets.append((gap, dx * dx + dy * dy + dz * dz, offset))
    offsets.sort()
    return [offset for _, _, offset in offsets]


_OFFSETS = _neighbour_offsets()


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def _frame(vectors: Sequence[tuple[float, float, float]]) -> tuple[tuple[float, float, float], ...]:
    """An orthonormal basis (e1, e2, up) whose ``up`` points at the mean of the unit ``vectors``."""
    sx = math.fsum(v[0] for v in vectors)
    sy = math.fsum(v[1] for v in vectors)
    sz = math.fsum(v[2] for v in vectors)
    norm = math.sqrt(sx * sx + sy * sy + sz * sz)
    if norm < 1e-9:
        return (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)
    up = (sx / norm, sy / norm, sz / norm)
    axis = (1.0, 0.0, 0.0) if abs(up[0]) < 0.5 else (0.0, 1.0, 0.0)
    e1 = _cross(up, axis)
    length = math.sqrt(e1[0] ** 2 + e1[1] ** 2 + e1[2] ** 2)
    e1 = (e1[0] / length, e1[1] / length, e1[2] / length)
    return e1, _cross(up, e1), up


def _cross(a: tuple[float, float, float], b: tuple[float, float, float]) -> tuple[float, float, float]:
    return a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]


def _hot_spots(located: Sequence[ReportRow]) -> list[dict[str, Any]]:
    """Clusters of at least three reports, each report within 250 m of another one of its cluster."""
    if len(located) < HOT_SPOT_MIN_REPORTS:
        return []
    sin, cos, radians, floor = math.sin, math.cos, math.radians, math.floor
    phis = [radians(row.lat) for row in located]  # type: ignore[arg-type]
    lambdas = [radians(row.lon) for row in located]  # type: ignore[arg-type]
    cos_phis = [cos(phi) for phi in phis]
    vectors = [(c * cos(lam), c * sin(lam), sin(phi)) for phi, lam, c in zip(phis, lambdas, cos_phis, strict=True)]
    (ax, ay, az), (bx, by, bz), (ux, uy, uz) = _frame(vectors)

    scale = EARTH_RADIUS_M / _CELL_M
    cells: dict[int, list[int]] = defaultdict(list)
    layers: set[int] = set()
    for index, (x, y, z) in enumerate(vectors):
        layer = floor((x * ux + y * uy + z * uz) * scale) + _SHIFT
        layers.add(layer)
        column = floor((x * ax + y * ay + z * az) * scale) + _SHIFT
        row = floor((x * bx + y * by + z * bz) * scale) + _SHIFT
        cells[(column * _BASE + row) * _BASE + layer].append(index)

    steps = {b - a for a in layers for b in layers if abs(b - a) <= _REACH} if len(layers) <= 64 else None
    deltas = [(dx * _BASE + dy) * _BASE + dz for dx, dy, dz in _OFFSETS if steps is None or dz in steps]
    keys = list(cells)
    members = list(cells.values())
    position = {key: number for number, key in enumerate(keys)}.get
    parent = list(range(len(keys)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = node = parent[parent[node]]
        return node

    def linked(first: list[int], second: list[int]) -> bool:
        for i in first:
            phi_i, lam_i, cos_i = phis[i], lambdas[i], cos_phis[i]
            for j in second:
                a = sin((phis[j] - phi_i) / 2) ** 2 + cos_i * cos_phis[j] * sin((lambdas[j] - lam_i) / 2) ** 2
                if a <= _MAX_HAVERSINE_A:
                    return True
        return False

    for delta in deltas:
        for number, key in enumerate(keys):
            other = position(key + delta)
            if other is None:
                continue
            root, other_root = find(number), find(other)
            if root != other_root and linked(members[number], members[other]):
                parent[other_root] = root

    components: dict[int, list[int]] = defaultdict(list)
    for number in range(len(keys)):
        components[find(number)].extend(members[number])

    spots: list[dict[str, Any]] = []
    for indices in components.values():
        if len(indices) < HOT_SPOT_MIN_REPORTS:
            continue
        indices.sort()  # ``located`` is in id order, so this is id order: the float sums are reproducible
        rows = [located[index] for index in indices]
        lat = sum(row.lat for row in rows) / len(rows)  # type: ignore[misc]
        lon = sum(row.lon for row in rows) / len(rows)  # type: ignore[misc]
        phi, lam = radians(lat), radians(lon)
        cos_phi = cos(phi)
        largest = max(
            sin((phis[i] - phi) / 2) ** 2 + cos_phi * cos_phis[i] * sin((lambdas[i] - lam) / 2) ** 2 for i in indices
        )
        radius = 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, largest)))
        items = Counter(row.item_key for row in rows)
        top_items = [key for key, _ in sorted(items.items(), key=lambda item: (-item[1], item[0]))[:HOT_SPOT_TOP_ITEMS]]
        spots.append(
            {
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "count": len(rows),
                "radius_m": round(radius),
                "report_ids": [row.id for row in rows],
                "top_items": top_items,
            }
        )
    spots.sort(key=lambda spot: (-spot["count"], spot["report_ids"][0]))
    return spots
