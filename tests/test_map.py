"""The maps without a browser: the Content-Security-Policy with and without a tile layer, Leaflet's files served by
est itself, the report form's point (stored, checked, errors beside the place field), and a picture's GeoJSON page
behind the tenancy wall."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask

from config.settings import Settings
from core.app import create_app
from core.reports.models import Report
from tests.cycle_helpers import Tenant
from tests.helpers import Api, count_all
from tests.page_helpers import PageClient, report_form
from tests.test_web_security import _assert_security_headers, _assert_self_contained

LEAFLET = "/static/vendor/leaflet/1.9.3"
TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
# Centrum in alfa: a square around Örebro's centre.
CENTRUM = {"type": "Polygon", "coordinates": [[[15.19, 59.26], [15.24, 59.26], [15.24, 59.29], [15.19, 59.29],
                                               [15.19, 59.26]]]}  # fmt: skip
AREAS = [{"key": "centrum", "name": "Centrum", "geometry": CENTRUM}, {"key": "norr", "name": "Norr"}]


def _csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_without_a_tile_layer_images_come_from_est_alone(api: Api) -> None:
    response = api.get("/login")
    _assert_security_headers(response)
    assert _csp(response)["img-src"] == ["'self'", "data:"]


def test_a_tile_layer_adds_exactly_its_origin_to_img_src(settings: Settings) -> None:
    tiled = replace(settings, map_tiles_url=TILES, map_tiles_attribution="© Kartleverantören")
    response = create_app(tiled).test_client().get("/login")
    _assert_security_headers(response)
    csp = _csp(response)
    assert csp["img-src"] == ["'self'", "data:", "https://tiles.example.org"]
    assert all("tiles.example.org" not in " ".join(v) for k, v in csp.items() if k != "img-src")


@pytest.mark.parametrize(
    ("url", "attribution", "complaint"),
    [
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "©", "EST_MAP_TILES_URL"),  # more than one origin
        ("https://a.example.org; script-src *;/{z}/{x}/{y}.png", "©", "EST_MAP_TILES_URL"),  # a policy injected
        ("ftp://tiles.example.org/{z}/{x}/{y}.png", "©", "EST_MAP_TILES_URL"),
        ("//tiles.example.org/{z}/{x}/{y}.png", "©", "EST_MAP_TILES_URL"),
        (TILES, " ", "EST_MAP_TILES_ATTRIBUTION"),  # providers require their attribution
    ],
)
def test_a_tile_url_must_name_one_origin_and_come_with_its_attribution(
    tmp_path: Path, url: str, attribution: str, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        Settings.from_env({"instance_path": str(tmp_path), "map_tiles_url": url, "map_tiles_attribution": attribution})


@pytest.mark.parametrize(
    ("name", "mimetypes"),
    [
        ("leaflet.js", ("text/javascript", "application/javascript")),
        ("leaflet.css", ("text/css",)),
        ("images/layers.png", ("image/png",)),
    ],
)
def test_leaflets_files_are_served_by_est_and_kept_for_a_year(api: Api, name: str, mimetypes: tuple) -> None:
    response = api.get(f"{LEAFLET}/{name}")
    assert response.status_code == 200 and response.mimetype in mimetypes
    assert "max-age=31536000" in response.headers["Cache-Control"]
    _assert_security_headers(response)
    assert api.get(f"{LEAFLET}/../__init__.py").status_code == 404


def test_est_map_js_is_served_as_javascript(api: Api) -> None:
    response = api.get("/static/est-map.js")
    assert response.status_code == 200 and response.mimetype in ("text/javascript", "application/javascript")


def test_the_form_links_the_maps_files_and_carries_the_areas_outlines(app: Flask, api: Api) -> None:
    alfa = Tenant(api, "alfa", areas=AREAS)
    alfa.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    page = PageClient(app, "rapportor@alfa.test").get("/t/alfa/rapportera").get_data(as_text=True)
    assets = _assert_self_contained(api, page)
    assert f"{LEAFLET}/leaflet.js" in assets and f"{LEAFLET}/leaflet.css" in assets and "/static/est-map.js" in assets
    assert 'data-tiles-url=""' in page  # no tile layer: nothing asked of another site
    outlines = json.loads(html.unescape(re.search(r"data-outlines='([^']*)'", page).group(1)))
    areas = [f["properties"] for f in outlines["features"] if f["properties"]["kind"] == "area"]
    assert areas == [{"kind": "area", "id": alfa.areas["centrum"], "name": "Centrum"}]  # Norr has no polygon
    assert [f["properties"]["kind"] for f in outlines["features"]].count("sweden") == 1
    assert re.search(r'<div class="point-picker" data-est-map="point" hidden\s', page)  # shown by the script only
    assert 'id="place-map"' in page  # Centrum's outline to tap on
    assert 'name="lat"' in page and 'name="lon"' in page


def _reporter(app: Flask, api: Api) -> tuple[Tenant, PageClient]:
    alfa = Tenant(api, "alfa", areas=AREAS)
    alfa.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    return alfa, PageClient(app, "rapportor@alfa.test")


def test_a_point_without_a_place_text_is_stored(app: Flask, api: Api) -> None:
    alfa, reporter = _reporter(app, api)
    form = report_form(alfa.areas["centrum"], place="", lat="59.27412", lon="15.21003")
    assert reporter.post("/t/alfa/rapportera", form).status_code == 303
    stored = api.get("/api/v1/tenants/alfa/reports", alfa.admin).get_json()["items"]
    assert [r["place"] for r in stored] == [{"text": None, "lat": 59.27412, "lon": 15.21003}]


def test_neither_place_text_nor_point_is_refused_at_the_place_field(app: Flask, api: Api) -> None:
    alfa, reporter = _reporter(app, api)
    response = reporter.post("/t/alfa/rapportera", report_form(alfa.areas["centrum"], place=" ", lat="", lon=""))
    assert response.status_code == 422
    assert re.search(r'<p class="field-error" id="place-error">Ange en plats\.', response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        ("55.676", "12.568", "utanför Sverige"),  # Copenhagen
        ("59.35", "15.21", "utanför området Centrum"),  # in Sweden, north of the area's polygon
        ("59.27", "", "både lat och lon"),
        ("norr", "15.21", "giltigt"),
        ("nan", "15.21", ""),
        ("1e400", "15.21", ""),
        ("9" * 5000, "15.21", ""),
    ],
)
def test_a_refused_point_is_named_beside_the_place_field_and_nothing_is_stored(
    app: Flask, api: Api, lat: str, lon: str, message: str
) -> None:
    alfa, reporter = _reporter(app, api)
    response = reporter.post("/t/alfa/rapportera", report_form(alfa.areas["centrum"], lat=lat, lon=lon))
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page
    error = re.search(r'<p class="field-error" id="place-error">([^<]*)</p>', page)
    assert error and message in html.unescape(error.group(1)), error
    assert 'href="#place"' in page
    assert count_all(app, Report) == {"Report": 0}


def test_editing_keeps_the_point_and_removing_it_keeps_the_text(app: Flask, api: Api) -> None:
    alfa, reporter = _reporter(app, api)
    reporter.post("/t/alfa/rapportera", report_form(alfa.areas["centrum"], lat="59.27412", lon="15.21003"))
    report = api.get("/api/v1/tenants/alfa/reports", alfa.admin).get_json()["items"][0]
    path = f"/t/alfa/rapporter/{report['id']}"
    page = reporter.get(path).get_data(as_text=True)
    assert 'name="lat" value="59.27412"' in page and "Vald punkt: 59.27412, 15.21003" in page
    values = dict(
        re.findall(r'<input type="(?:hidden|text|datetime-local)" id="\w+" name="(\w+)"[^>]*value="([^"]*)"', page)
    )
    edited = report_form(alfa.areas["centrum"], when="exact", at=values["at"], lat=values["lat"], lon=values["lon"],
                         severity="3")  # fmt: skip
    assert reporter.post(path, edited).status_code == 303
    place = api.get("/api/v1/tenants/alfa/reports", alfa.admin).get_json()["items"][0]["place"]
    assert place == {"text": "Torget", "lat": 59.27412, "lon": 15.21003}
    assert reporter.post(path, {**edited, "lat": "", "lon": ""}).status_code == 303
    place = api.get("/api/v1/tenants/alfa/reports", alfa.admin).get_json()["items"][0]["place"]
    assert place == {"text": "Torget", "lat": None, "lon": None}


# --- a picture's GeoJSON for its page ---------------------------------------------------------------------------


def _published_picture(api: Api) -> tuple[Tenant, dict]:
    """alfa (model C) with three reports near Torget in a compiled joint picture."""
    from tests.test_lagesbild import _joint

    alfa = Tenant(api, "alfa", org_model="C", org_model_options={})
    reporter = alfa.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    alfa.member("operativ", "coordinator", organisation="polis", groups=("operativ_grupp",))
    for n in range(3):
        alfa.report(reporter, area="centrum", at="2024-03-12T21:00:00+01:00",
                    place={"text": "Torget", "lat": 59.2745 + n * 0.0002, "lon": 15.2134})  # fmt: skip
    return alfa, _joint(alfa, "2024-03-12T12:00:00+01:00")


def test_a_pictures_geojson_page_answers_as_the_api_does(app: Flask, api: Api) -> None:
    alfa, picture = _published_picture(api)
    path = f"/t/alfa/lagesbilder/{picture['id']}/karta.geojson"
    response = PageClient(app, "operativ@alfa.test").get(path)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    from_api = api.get(f"{alfa.base}/lagesbilder/{picture['id']}/geojson", alfa.admin).get_json()
    assert response.get_json() == from_api
    kinds = [f["properties"]["kind"] for f in response.get_json()["features"]]
    assert kinds.count("report") == 3 and kinds.count("hot_spot") == 1
    # A reporter sees published pictures only, like in the API: this one is not published.
    assert picture["status"] != "published"
    assert PageClient(app, "falt@alfa.test").get(path).status_code == 404


def test_a_pictures_geojson_page_is_behind_the_tenancy_wall(app: Flask, api: Api) -> None:
    _alfa, picture = _published_picture(api)
    beta = Tenant(api, "beta")
    beta.member("samordnare", "coordinator", organisation="kommun")
    stranger = PageClient(app, "samordnare@beta.test")
    for path in (f"/t/alfa/lagesbilder/{picture['id']}/karta.geojson",  # another tenant's page
                 f"/t/beta/lagesbilder/{picture['id']}/karta.geojson",  # alfa's picture id in beta
                 "/t/beta/lagesbilder/999999/karta.geojson"):  # fmt: skip
        response = stranger.get(path)
        assert response.status_code == 404, path
        assert "Torget" not in response.get_data(as_text=True) and "hot_spot" not in response.get_data(as_text=True)
    logged_out = PageClient(app).get(f"/t/alfa/lagesbilder/{picture['id']}/karta.geojson")
    assert logged_out.status_code == 302 and "/login" in logged_out.headers["Location"]
