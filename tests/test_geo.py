"""The Sweden outline: border towns and islands on the right side (a point outside Sweden is refused)."""

from __future__ import annotations

import pytest

from core.reports.geo import in_sweden

INSIDE = {
    "Haparanda": (65.8355, 24.1368), "Falsterbo": (55.40, 12.82), "Skanör": (55.415, 12.85), "Mölle": (56.28, 12.50),
    "Sydkoster": (58.88, 11.03), "Storlien": (63.32, 12.10), "Riksgränsen": (68.426, 18.126),
    "Gotska Sandön": (58.38, 19.20), "Helsingborg": (56.045, 12.69), "Malmö": (55.605, 13.0), "Visby": (57.64, 18.29),
    "Kiruna": (67.855, 20.225), "Örebro": (59.27, 15.21), "Strömstad": (58.94, 11.17), "Smygehuk": (55.34, 13.36),
    "Ystad": (55.43, 13.82), "Ottenby": (56.20, 16.40), "Karlskrona": (56.16, 15.59), "Luleå": (65.58, 22.15),
    "Ven": (55.91, 12.70), "Landskrona": (55.87, 12.83), "Vinga": (57.63, 11.60), "Smögen": (58.35, 11.22),
    "Charlottenberg": (59.88, 12.29), "Idre": (61.86, 12.72), "Åre": (63.40, 13.08), "Hemavan": (65.82, 15.09),
    "Kvikkjokk": (66.95, 17.72), "Abisko": (68.35, 18.83), "Pajala": (67.21, 23.37), "Karesuando": (68.44, 22.48),
    "Treriksröset": (69.0597, 20.548), "Sandhamn": (59.28, 18.92), "Arholma": (59.85, 19.10),
    "Öregrund": (60.34, 18.45), "Umeå": (63.83, 20.26), "Holmön": (63.80, 20.85), "Fårö": (57.95, 19.30),
    "Stockholm": (59.33, 18.07), "Torekov": (56.43, 12.63), "Göteborg": (57.71, 11.97), "Övertorneå": (66.39, 23.65),
}  # fmt: skip
OUTSIDE = {
    "Oslo": (59.91, 10.75), "Copenhagen": (55.68, 12.57), "Helsingør": (56.035, 12.61), "Helsinki": (60.17, 24.94),
    "Tornio": (65.848, 24.157), "Kemi": (65.74, 24.56), "Mariehamn": (60.10, 19.94), "Eckerö": (60.22, 19.60),
    "Narvik": (68.44, 17.43), "Trondheim": (63.43, 10.40), "Halden": (59.12, 11.39), "Fredrikstad": (59.22, 10.93),
    "Kongsvinger": (60.19, 12.0), "Trysil": (61.31, 12.26), "Meråker": (63.42, 11.75), "Mo i Rana": (66.31, 14.14),
    "Sulitjelma": (67.13, 16.08), "Kolari": (67.33, 23.80), "Vaasa": (63.10, 21.62), "Bornholm": (55.10, 14.90),
    "Anholt": (56.70, 11.60), "Läsø": (57.25, 11.0), "Hellerup": (55.73, 12.58), "Aavasaksa": (66.39, 23.72),
    "Muonio": (67.95, 23.68), "Fauske": (67.26, 15.39), "Røros": (62.57, 11.39),
}  # fmt: skip


@pytest.mark.parametrize("place", sorted(INSIDE))
def test_swedish_places_are_inside(place: str) -> None:
    lat, lon = INSIDE[place]
    assert in_sweden(lon, lat)


@pytest.mark.parametrize("place", sorted(OUTSIDE))
def test_places_across_the_borders_are_outside(place: str) -> None:
    lat, lon = OUTSIDE[place]
    assert not in_sweden(lon, lat)
