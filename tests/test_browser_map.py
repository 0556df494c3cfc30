"""The maps in a real browser: a tap on the report form's map, or "Min position", sets the point and the report is
stored with it; the point is removed with the keyboard; without JavaScript there is no map and the form still works;
a lägesbild's map (the ``picture_map`` macro, on a demo page served only here) draws its points and hot spots. No
Content-Security-Policy violation anywhere, no layout shift when the map appears, and axe finds nothing in
Swedish or English.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask, render_template_string, url_for
from playwright.sync_api import Browser, Page
from xstatic.pkg import leaflet

from config.settings import Settings
from core.api.tenant_blueprint import bind_tenant, unbind_tenant
from core.app import create_app
from core.serving import make_demo_server
from tests.browser import log_in, look, open_page, skip_without_chromium, tab_to
from tests.cycle_helpers import Tenant
from tests.helpers import Api
from tests.test_lagesbild import _joint
from tests.test_map import AREAS

skip_without_chromium()

# Collects what the browser reports as Content-Security-Policy violations (init scripts run outside the policy).
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
                          e => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));
window.layoutShift = 0;
new PerformanceObserver(list => list.getEntries().forEach(e => {
  if (!e.hadRecentInput) window.layoutShift += e.value;
})).observe({type: "layout-shift", buffered: true});
"""
DEMO_PAGE = """{% extends "base.html" %}{% from "_map.html" import picture_map %}
{% block title %}Kartprov{% endblock %}
{% block content %}<h1>Kartprov</h1>{{ picture_map(url, label) }}{% endblock %}"""


@contextmanager
def _served(app: Flask) -> Iterator[str]:
    httpd = make_demo_server(app, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()


@contextmanager
def _tile_server() -> Iterator[tuple[str, list[str]]]:
    """Another origin answering every tile with one PNG, and the paths it was asked for."""
    tile, asked = (Path(leaflet.BASE_DIR) / "images" / "layers.png").read_bytes(), []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *_args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", asked
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[str]:
    """est as ``tests.browser`` serves it, plus a demo page showing a picture's map with the ``picture_map`` macro
    (the lägesbild page is built elsewhere)."""
    live: Flask = create_app(replace(settings, secure_cookies=False))

    @live.route("/kartprov/<slug>/<int:picture_id>")
    def demo(slug: str, picture_id: int) -> str:
        bind_tenant(slug)
        url = url_for("pages.picture_geojson", slug=slug, picture_id=picture_id)
        return render_template_string(DEMO_PAGE, url=url, label="Karta över veckans rapporter")

    live.teardown_request(unbind_tenant)
    with _served(live) as url:
        yield url


def _watched(browser: Browser, server: str, language: str = "sv") -> Page:
    page = open_page(browser, server, language)
    page.add_init_script(WATCH_CSP)
    page.console_messages = []  # type: ignore[attr-defined]
    page.on("console", lambda message: page.console_messages.append(message.text))  # type: ignore[attr-defined]
    return page


def _assert_clean(page: Page) -> None:
    assert page.evaluate("window.cspViolations") == []
    assert not [m for m in page.console_messages if "Content Security Policy" in m]  # type: ignore[attr-defined]


def _reporter(api: Api) -> Tenant:
    alfa = Tenant(api, "alfa", areas=AREAS)
    alfa.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    return alfa


def _fill_the_rest(page: Page) -> None:
    page.check("input[name=item] >> nth=0")
    page.check("#severity-2")


def _send(page: Page) -> None:
    with page.expect_navigation():
        page.click("button.primary")
    assert page.url.endswith("/t/alfa/mina-rapporter"), page.inner_text("main")


def _stored_place(api: Api, alfa: Tenant) -> dict:
    return api.get(f"{alfa.base}/reports", alfa.admin).get_json()["items"][0]["place"]


def test_a_tap_on_the_map_sets_the_point_and_the_report_is_stored_with_it(
    api: Api, browser: Browser, server: str
) -> None:
    alfa = _reporter(api)
    page = _watched(browser, server)
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    page.select_option("#area", str(alfa.areas["centrum"]))  # the map shows Centrum's outline
    assert page.locator("#place-map").is_visible() and page.locator("#my-position").is_visible()
    page.locator("#place-map").click()  # the middle of Centrum
    assert page.inner_text("#point-status").startswith("Vald punkt: 59.")
    assert page.locator("#point-clear").is_visible()
    lat, lon = float(page.input_value("#lat")), float(page.input_value("#lon"))
    assert 59.26 < lat < 59.29 and 15.19 < lon < 15.24
    look(page, "map-form-point-sv")
    _fill_the_rest(page)
    _send(page)
    assert _stored_place(api, alfa) == {"text": None, "lat": lat, "lon": lon}
    _assert_clean(page)


def test_the_point_is_removed_with_the_keyboard(api: Api, browser: Browser, server: str) -> None:
    alfa = _reporter(api)
    page = _watched(browser, server)
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    page.select_option("#area", str(alfa.areas["centrum"]))
    page.locator("#place-map").click()
    tab_to(page, "#point-clear")
    page.keyboard.press("Enter")
    assert page.input_value("#lat") == "" and page.input_value("#lon") == ""
    assert page.inner_text("#point-status") == "Punkten är borttagen."
    assert page.evaluate("document.activeElement.id") == "my-position"  # the focus stays in the place field
    assert not page.locator("#point-clear").is_visible()
    page.fill("#place", "Stortorget")
    _fill_the_rest(page)
    _send(page)
    assert _stored_place(api, alfa) == {"text": "Stortorget", "lat": None, "lon": None}
    _assert_clean(page)


def test_min_position_sets_the_point_from_the_devices_location(api: Api, browser: Browser, server: str) -> None:
    alfa = _reporter(api)
    page = _watched(browser, server)
    page.context.grant_permissions(["geolocation"], origin=server)
    page.context.set_geolocation({"latitude": 59.27481, "longitude": 15.21455, "accuracy": 10})
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    page.select_option("#area", str(alfa.areas["centrum"]))
    tab_to(page, "#my-position")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#lat').value !== ''")
    assert page.inner_text("#point-status") == "Vald punkt: 59.27481, 15.21455"
    _fill_the_rest(page)
    _send(page)
    assert _stored_place(api, alfa) == {"text": None, "lat": 59.27481, "lon": 15.21455}
    _assert_clean(page)


def test_with_no_outline_to_tap_on_the_form_offers_the_position_only(api: Api, browser: Browser, server: str) -> None:
    """A tenant whose areas have no polygons and no tile layer: a map of Sweden's outline alone would mean nothing,
    so there is none; "Min position" still sets the point."""
    alfa = Tenant(api, "alfa")  # areas without geometry
    alfa.member("rapportor", "reporter", organisation="kommun", function="faltgrupp")
    page = _watched(browser, server)
    page.context.grant_permissions(["geolocation"], origin=server)
    page.context.set_geolocation({"latitude": 59.27481, "longitude": 15.21455, "accuracy": 10})
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    assert page.locator("#my-position").is_visible() and page.locator("#place-map").count() == 0
    assert page.inner_text("#point-hint") == "Eller ange punkten: din position."
    page.select_option("#area", str(alfa.areas["norr"]))
    page.click("#my-position")
    page.wait_for_function("() => document.querySelector('#lat').value !== ''")
    assert page.inner_text("#point-status") == "Vald punkt: 59.27481, 15.21455"
    _fill_the_rest(page)
    _send(page)
    assert _stored_place(api, alfa) == {"text": None, "lat": 59.27481, "lon": 15.21455}
    _assert_clean(page)


def test_without_a_position_the_reporter_is_told_what_else_to_do(api: Api, browser: Browser, server: str) -> None:
    _reporter(api)
    page = _watched(browser, server, "en")
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    page.click("#my-position")  # no permission granted: the browser refuses
    page.wait_for_function("() => document.querySelector('#point-status').textContent.includes('could not')")
    assert "Tap the map or write the place instead." in page.inner_text("#point-status")
    assert page.input_value("#lat") == ""


def test_a_point_outside_the_area_is_refused_beside_the_place_field(api: Api, browser: Browser, server: str) -> None:
    alfa = _reporter(api)
    page = _watched(browser, server)
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    page.select_option("#area", str(alfa.areas["centrum"]))
    box = page.locator("#place-map").bounding_box()
    page.locator("#place-map").click(position={"x": box["width"] - 40, "y": 12})  # north-east of Centrum's outline
    _fill_the_rest(page)
    with page.expect_navigation():
        page.click("button.primary")
    assert "utanför området Centrum" in page.inner_text("#place-error")
    assert page.inner_text("#point-status").startswith("Vald punkt:")  # the refused point is still shown
    look(page, "map-form-refused-sv")
    _assert_clean(page)


def test_the_form_page_passes_axe_and_the_map_shifts_nothing(api: Api, browser: Browser, server: str) -> None:
    _reporter(api)
    for language in ("sv", "en"):
        page = _watched(browser, server, language)
        log_in(page, "rapportor@alfa.test")
        page.goto("/t/alfa/rapportera")
        page.wait_for_selector(".leaflet-container")
        assert page.evaluate("window.layoutShift") < 0.01
        look(page, f"map-form-{language}")
        _assert_clean(page)


def test_without_javascript_there_is_no_map_and_the_form_works(api: Api, browser: Browser, server: str) -> None:
    alfa = _reporter(api)
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    assert not page.locator("#place-map").is_visible() and not page.locator("#my-position").is_visible()
    assert not page.locator("#point-clear").is_visible()
    page.select_option("#area", str(alfa.areas["norr"]))
    page.fill("#place", "Torget")
    _fill_the_rest(page)
    _send(page)
    assert _stored_place(api, alfa) == {"text": "Torget", "lat": None, "lon": None}
    context.close()


def test_a_pictures_map_draws_its_points_and_hot_spots(api: Api, browser: Browser, server: str) -> None:
    alfa = Tenant(api, "alfa", areas=AREAS, org_model="C", org_model_options={})
    reporter = alfa.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    alfa.member("operativ", "coordinator", organisation="polis", groups=("operativ_grupp",))
    for n in range(3):
        alfa.report(reporter, area="centrum", at="2024-03-12T21:00:00+01:00",
                    place={"text": "Torget", "lat": 59.2745 + n * 0.0002, "lon": 15.2134})  # fmt: skip
    picture = _joint(alfa, "2024-03-12T12:00:00+01:00")
    for language in ("sv", "en"):
        page = _watched(browser, server, language)
        log_in(page, "operativ@alfa.test")
        page.goto(f"/kartprov/alfa/{picture['id']}")
        region = page.get_by_role("region", name="Karta över veckans rapporter")
        assert region.is_visible()
        # Sweden and Centrum, three report points and one hot spot (its ring dashed: not told by colour alone)
        page.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane path').length >= 6")
        assert page.locator(".leaflet-overlay-pane path[stroke-dasharray]").count() == 1
        note = {"sv": "Samma uppgifter finns som text bredvid kartan.", "en": "The same data is listed in text beside"}
        assert note[language] in page.inner_text("figcaption")
        look(page, f"map-picture-{language}")
        _assert_clean(page)


def test_a_configured_tile_layer_is_loaded_from_its_origin_and_credited(
    api: Api, browser: Browser, settings: Settings
) -> None:
    _reporter(api)
    with _tile_server() as (origin, asked):
        tiled = replace(settings, secure_cookies=False, map_tiles_url=f"{origin}/{{z}}/{{x}}/{{y}}.png",
                        map_tiles_attribution="© Kartprov <bidragsgivare>")  # fmt: skip
        with _served(create_app(tiled)) as url:
            page = _watched(browser, url)
            log_in(page, "rapportor@alfa.test")
            page.goto("/t/alfa/rapportera")
            page.wait_for_selector(".leaflet-tile-loaded")
            assert asked and all(path.endswith(".png") for path in asked)
            assert "© Kartprov <bidragsgivare>" in page.inner_text(".leaflet-control-attribution")  # text, not HTML
            look(page, "map-form-tiles-sv")
            _assert_clean(page)
