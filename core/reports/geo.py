"""Where a reported point may lie: inside Sweden, and inside the chosen area's polygon when it has one.

``SWEDEN`` is a coarse outline (about 70 vertices, [lon, lat] WGS84) drawn for this check: it follows the land
borders with Norway and Finland within a few kilometres — close at border towns (Haparanda/Tornio,
Strömstad/Halden, Storlien, Riksgränsen) — and keeps the coast with a margin at sea, so that Gotland, Öland,
Gotska Sandön, Ven, Kullen, Falsterbo and the archipelagos are in, and Copenhagen, Helsingør, Oslo, Halden,
Tornio and Åland are out (see the tests). Along open stretches of the mountain border it can be off by several
kilometres; an area polygon, where the tenant has one, is the precise check.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

Ring = Sequence[Sequence[float]]

SWEDEN: tuple[tuple[float, float], ...] = (
    # South coast of Skåne, west to east; Öland and Gotland; up the Baltic coast.
    (12.72, 55.33), (13.40, 55.30), (14.25, 55.36), (14.48, 55.55), (14.45, 55.95), (15.10, 56.00),
    (15.90, 55.98), (16.55, 56.12), (16.95, 56.60), (17.20, 57.40), (17.95, 56.85), (18.95, 57.15),
    (19.50, 57.90), (19.50, 58.45), (19.00, 58.80), (19.30, 59.30), (19.40, 59.90), (19.00, 60.30),
    (17.60, 60.90), (17.70, 61.70), (18.30, 62.40), (19.50, 63.20), (20.80, 63.60), (21.60, 64.40),
    (21.80, 65.00), (22.50, 65.40), (23.60, 65.60), (24.20, 65.70),
    # Up the Torne and Muonio rivers (Finland), over Treriksröset, down the Norwegian border.
    (24.147, 65.86), (24.00, 66.05), (23.68, 66.40), (23.80, 66.90), (23.55, 67.60), (23.40, 68.10),
    (22.55, 68.47), (21.00, 69.00), (20.53, 69.075), (19.90, 68.40), (18.10, 68.45), (17.80, 68.00),
    (16.70, 67.80), (16.45, 67.30), (15.50, 66.50), (14.50, 66.00), (14.30, 65.30), (13.90, 64.60),
    (13.20, 64.10), (12.05, 63.40), (12.02, 63.30), (12.20, 62.70), (12.20, 62.10), (12.60, 61.60),
    (12.80, 61.10), (12.40, 60.60), (12.30, 60.00), (11.80, 59.60), (11.60, 59.20), (11.45, 59.02),
    # Iddefjorden and Svinesund, then the Bohuslän and Halland coasts, and down Öresund.
    (11.26, 59.09), (11.10, 59.00), (10.95, 58.85), (11.05, 58.30), (11.30, 57.60), (11.90, 57.20),
    (12.40, 56.60), (12.38, 56.30), (12.58, 56.10), (12.65, 56.04), (12.62, 55.92), (12.85, 55.70),
    (12.80, 55.55), (12.72, 55.40), (12.72, 55.33),
)  # fmt: skip


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
