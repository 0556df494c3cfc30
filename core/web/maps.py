"""The maps on the pages: what every map draws on (the tenant's area outlines over Sweden's, and the tile layer
when one is configured) and a picture's GeoJSON for its map.

A map is an enhancement: the report form takes a place as text without it, and a lägesbild lists the same data in
text. With no ``EST_MAP_TILES_URL`` the background is plain — outlines only — so a map works offline and tells
no third party where anyone is looking. Leaflet's own files come from ``core.web.leaflet``; the drawing is
``core/static/est-map.js``, set up by the macros in ``core/templates/_map.html``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, jsonify
from sqlalchemy import select

from core.accounts.actor import current_actor
from core.lagesbild import service as lagesbilder
from core.organisation.models import Area
from core.reports.geo import SWEDEN
from core.tenancy import current_session
from core.web.tenant import blp

GEOJSON = "application/geo+json"


def outlines() -> dict[str, Any]:
    """A FeatureCollection: Sweden's coarse outline (``kind: sweden``) and, on a tenant's page, each active area
    that has a polygon (``kind: area``, with its id and name) — the background of every map."""
    features: list[dict[str, Any]] = [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [SWEDEN]}, "properties": {"kind": "sweden"}}
    ]
    if g.get("tenant") is not None:
        areas = current_session().scalars(select(Area).where(Area.active).order_by(Area.name))
        features += [
            {
                "type": "Feature",
                "geometry": area.geometry,
                "properties": {"kind": "area", "id": area.id, "name": area.name},
            }
            for area in areas
            if area.geometry
        ]
    return {"type": "FeatureCollection", "features": features}


def map_setup() -> dict[str, Any]:
    """What the map macros hand to ``est-map.js``: the outlines and the tile layer (if any)."""
    settings = current_app.config["EST"]
    drawn = outlines()
    return {
        "outlines": drawn,
        "tiles_url": settings.map_tiles_url,
        "tiles_attribution": settings.map_tiles_attribution,
        # Something to tap on: a tile layer, or an area's outline (over Sweden's alone a tap means nothing).
        "tappable": bool(settings.map_tiles_url) or len(drawn["features"]) > 1,
    }


@blp.route("/lagesbilder/<int:picture_id>/karta.geojson")
def picture_geojson(picture_id: int):
    """A picture's map data for its page, under the API's rules (``core.lagesbild.service.geojson``): reporters
    the published pictures, coordinators every one; anyone else the 404 page."""
    response = jsonify(lagesbilder.geojson(current_session(), picture_id, current_actor()))
    response.mimetype = GEOJSON
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(map_setup=map_setup)
