"""Where demo reports happen: each area's centre and a few hot places, so the map shows clusters (hot spots).

The pilots' onboarding files carry no area polygons, so the centres are approximate points of the real places
(a municipality's own centre for areas the source leaves unnamed, shifted a little per area). An area that has a
polygon keeps every point inside it."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

from core.reports import geo

# (lat, lon) of each pilot municipality's centre.
MUNICIPALITY = {
    "orebro": (59.2741, 15.2066),
    "botkyrka": (59.2000, 17.8300),
    "boras": (57.7210, 12.9401),
    "sollentuna": (59.4280, 17.9510),
    "norrkoping": (58.5877, 16.1924),
    "malmo": (55.5850, 12.9700),
    "borlange": (60.4858, 15.4371),
    "vaxjo": (56.8790, 14.8059),
}
# (lat, lon) of the areas the onboarding files name after a real place.
AREA = {
    ("orebro", "vivalla"): (59.2925, 15.1560),
    ("botkyrka", "fittja"): (59.2470, 17.8600),
    ("botkyrka", "alby"): (59.2390, 17.8450),
    ("botkyrka", "tumba"): (59.1990, 17.8320),
    ("botkyrka", "ovriga_kommunen"): (59.2050, 17.9030),
    ("sollentuna", "tureberg"): (59.4280, 17.9300),
    ("sollentuna", "edsberg"): (59.4420, 17.9520),
    ("vaxjo", "utsatt_omrade"): (56.8920, 14.8280),
}
PLACES = (
    "Vid fritidsgården", "Centrumtorget", "Busshållplatsen vid centrum", "Gångtunneln under vägen",
    "Lekplatsen mellan husen", "Parkeringen vid skolan", "Tvättstugan i källarplanet", "Återvinningsstationen",
    "Idrottsplatsen", "Vid närbutiken", "Skolgården", "Cykelbanan längs ån", "Parkeringshuset",
    "Entrén till biblioteket", "Vid pizzerian på torget", "Grönområdet bakom skolan",
)  # fmt: skip
OTHER_PLACES = ("Gångvägen", "Innergården", "Vid soprummet", "Trappuppgången", "Vid garagen", "Längs huvudgatan")
HOT_PLACES = 3
HABIT_DAYS = (3, 4, 5)  # a hot place's night: Thursday, Friday or Saturday …
HABIT_STARTS = (19, 20, 21, 22)  # … from this hour, for :data:`HABIT_HOURS` (past midnight too)
HABIT_HOURS = 3
METRES_PER_DEGREE = 111_320


@dataclass(frozen=True)
class Place:
    text: str | None
    lat: float | None
    lon: float | None
    habit: tuple[int, int] | None = None  # a hot place's usual time: (weekday, first hour), Monday = 0


@dataclass(frozen=True)
class AreaPlaces:
    """One area's centre, radius and hot places."""

    centre: tuple[float, float] | None
    geometry: dict | None
    hot: tuple[Place, ...]

    def hot_place(self, rng: random.Random) -> Place:
        """One of the hot places, a few tens of metres off (the clusters stay well within 250 m)."""
        place = rng.choice(self.hot)
        if place.lat is None:
            return place
        lat, lon = self._near((place.lat, place.lon), 60, rng)
        return replace(place, lat=lat, lon=lon)

    def elsewhere(self, rng: random.Random) -> Place:
        """Anywhere in the area."""
        text = rng.choice(OTHER_PLACES)
        if self.centre is None:
            return Place(text, None, None)
        lat, lon = self._near(self.centre, 1200, rng)
        return Place(text, lat, lon)

    def _near(self, point: tuple[float, float], metres: float, rng: random.Random) -> tuple[float, float]:
        for _attempt in range(20):
            lat, lon = _offset(point, metres * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi))
            if self.geometry is None or geo.in_geometry(lon, lat, self.geometry):
                return lat, lon
        return point


def _offset(point: tuple[float, float], metres: float, bearing: float) -> tuple[float, float]:
    lat, lon = point
    north, east = metres * math.cos(bearing), metres * math.sin(bearing)
    return (round(lat + north / METRES_PER_DEGREE, 6),
            round(lon + east / (METRES_PER_DEGREE * math.cos(math.radians(lat))), 6))  # fmt: skip


def _centroid(geometry: dict) -> tuple[float, float]:
    ring = (geometry["coordinates"][0] if geometry["type"] == "MultiPolygon" else geometry["coordinates"])[0]
    return sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring)


def area_places(slug: str, area_key: str, geometry: dict | None) -> AreaPlaces:
    """The area's centre and hot places, the same every run (seeded by tenant and area)."""
    rng = random.Random(f"places:{slug}:{area_key}")
    if geometry is not None:
        centre: tuple[float, float] | None = _centroid(geometry)
    elif (slug, area_key) in AREA:
        centre = AREA[(slug, area_key)]
    elif slug in MUNICIPALITY:
        centre = _offset(MUNICIPALITY[slug], rng.uniform(800, 2500), rng.uniform(0, 2 * math.pi))
    else:
        centre = None
    names = rng.sample(PLACES, HOT_PLACES)
    partial = AreaPlaces(centre, geometry, ())
    hot = tuple(Place(name, *partial._near(centre, 700, rng)) if centre else Place(name, None, None) for name in names)
    habits = random.Random(f"habits:{slug}:{area_key}")
    hot = tuple(replace(p, habit=(habits.choice(HABIT_DAYS), habits.choice(HABIT_STARTS))) for p in hot)
    return AreaPlaces(centre, geometry, hot)
