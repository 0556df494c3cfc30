"""A lägesbild's map as one SVG, for renderings without tiles or script (HTML e-mail, PDF) and as the fallback of
the interactive map.

The projection is equirectangular with longitude scaled by the cosine of the mean latitude, fitted to the bounding
box of everything drawn: at a municipality's scale that is indistinguishable from the web map. Report points are
circles (filled: a problem; hollow with a dark ring: a positive event), hot spots are dashed rings with their
count as text, areas are outlines with their name (and, on the public map, their count) as text — nothing is told
by colour alone. A :class:`MapData` for the public rendering simply carries no points or hot spots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from core.charts import FONT, INK

__all__ = ["MapArea", "MapData", "MapPoint", "map_svg"]

WIDTH, HEIGHT, MARGIN = 640, 480, 24
PROBLEM = "#b3261e"
POSITIVE = "#1a7f37"
SPOT = "#0b5cad"

Ring = tuple[tuple[float, float], ...]  # (lon, lat)


@dataclass(frozen=True)
class MapArea:
    """An area's outline (outer rings of its polygons; empty: the area has none) and the text written in it."""

    name: str
    rings: tuple[Ring, ...]
    text: str


@dataclass(frozen=True)
class MapPoint:
    lon: float
    lat: float
    positive: bool = False
    count: int = 1  # a hot spot's number of reports


@dataclass(frozen=True)
class MapData:
    areas: tuple[MapArea, ...] = ()
    points: tuple[MapPoint, ...] = ()
    hot_spots: tuple[MapPoint, ...] = ()


def _projection(data: MapData):
    coordinates = [c for area in data.areas for ring in area.rings for c in ring]
    coordinates += [(p.lon, p.lat) for p in (*data.points, *data.hot_spots)]
    if not coordinates:
        return None
    lons, lats = [c[0] for c in coordinates], [c[1] for c in coordinates]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * scale_x, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    factor = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    offset_x = (WIDTH - span_x * factor) / 2
    offset_y = (HEIGHT - span_y * factor) / 2
    west, north = min(lons), max(lats)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return offset_x + (lon - west) * scale_x * factor, offset_y + (north - lat) * factor

    return project


def map_svg(data: MapData, *, chart_id: str, title: str, description: str) -> Markup:
    """The map of ``data`` as an SVG (``role="img"``, labelled by its own title and description)."""
    ident = escape(chart_id)
    body: list[str] = []
    project = _projection(data)
    if project is not None:
        for area in data.areas:
            if not area.rings:
                continue
            projected = [[project(lon, lat) for lon, lat in ring] for ring in area.rings]
            path = " ".join("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in ring) + "Z" for ring in projected)
            body.append(f'<path d="{path}" fill="none" stroke="{INK}" stroke-width="1.5"/>')
            largest = max(projected, key=len)
            cx = sum(x for x, _ in largest) / len(largest)
            cy = sum(y for _, y in largest) / len(largest)
            for offset, line in ((0, area.name), (15, area.text)):
                if line:
                    body.append(
                        f'<text x="{cx:.1f}" y="{cy + offset:.1f}" text-anchor="middle" font-family="{FONT}" '
                        f'font-size="12" fill="{INK}">{escape(line)}</text>'
                    )
        for point in data.points:
            x, y = project(point.lon, point.lat)
            if point.positive:
                body.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#ffffff" stroke="{POSITIVE}" stroke-width="2"/>'
                )
            else:
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PROBLEM}"/>')
        for spot in data.hot_spots:
            x, y = project(spot.lon, spot.lat)
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="14" fill="none" stroke="{SPOT}" stroke-width="2" '
                f'stroke-dasharray="4 2"/><text x="{x:.1f}" y="{y - 18:.1f}" text-anchor="middle" '
                f'font-family="{FONT}" font-size="12" fill="{INK}">{spot.count}</text>'
            )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" class="map">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(description)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>' + "".join(body) + "</svg>"
    )
