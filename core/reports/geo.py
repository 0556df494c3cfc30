"""Where a reported point may lie: inside Sweden, and inside the chosen area's polygon when it has one.

``SWEDEN`` is a coarse outline (about 50 vertices, [lon, lat] WGS84) that follows the land borders with
Norway and Finland and keeps the coast with a margin at sea, so that Gotland, Öland and the archipelagos are
in and Oslo, Copenhagen, Helsinki and Åland's main island are out. It is accurate to roughly 10–20 km at the
land borders; an area polygon, where the tenant has one, is the precise check.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

Ring = Sequence[Sequence[float]]

SWEDEN: tuple[tuple[float, float], ...] = (
    (12.90, 55.30),
    (14.40, 55.30),
    (14.60, 55.65),
    (16.20, 56.05),
    (16.90, 56.20),
    (17.20, 57.20),
    (18.00, 56.80),
    (19.40, 57.80),
    (19.30, 58.10),
    (18.80, 58.60),
    (19.20, 59.30),
    (19.35, 59.90),
    (18.90, 60.40),
    (17.60, 60.90),
    (17.70, 61.70),
    (18.30, 62.40),
    (19.50, 63.20),
    (20.80, 63.60),
    (21.60, 64.40),
    (21.80, 65.00),
    (22.50, 65.40),
    (23.60, 65.60),
    (24.17, 65.78),
    (23.70, 66.40),
    (23.95, 66.90),
    (23.50, 67.60),
    (23.60, 68.00),
    (22.40, 68.50),
    (21.00, 69.00),
    (20.55, 69.06),
    (19.90, 68.40),
    (18.15, 68.45),
    (17.80, 68.00),
    (16.70, 67.80),
    (16.20, 67.30),
    (15.50, 66.50),
    (14.50, 66.00),
    (14.30, 65.30),
    (13.90, 64.60),
    (13.20, 64.10),
    (12.10, 63.40),
    (12.20, 62.70),
    (12.20, 62.10),
    (12.60, 61.60),
    (12.80, 61.10),
    (12.40, 60.60),
    (12.30, 60.00),
    (11.80, 59.60),
    (11.60, 59.20),
    (11.20, 59.05),
    (11.00, 58.50),
    (11.30, 57.60),
    (11.90, 57.20),
    (12.40, 56.60),
    (12.50, 56.30),
    (12.60, 56.05),
    (12.90, 55.40),
    (12.90, 55.30),
)


def in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Even-odd ray casting."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def in_sweden(lon: float, lat: float) -> bool:
    return in_ring(lon, lat, SWEDEN)


def in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    """Inside a GeoJSON Polygon or MultiPolygon (holes respected)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return any(
        in_ring(lon, lat, polygon[0]) and not any(in_ring(lon, lat, hole) for hole in polygon[1:])
        for polygon in polygons
    )
