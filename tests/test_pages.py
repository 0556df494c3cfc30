"""The web pages through the test client: reporting with the form, the guard's refusal, CSRF, the tenancy wall
(404 pages, never data), the coordinator's coverage, landing after login, the language switch."""

from __future__ import annotations

import re

from flask import Flask

from core.reports.models import Report
from tests.cycle_helpers import Tenant
from tests.helpers import PARAM, Api, count_all
from tests.page_helpers import PageClient, report_form, two_tenants
from tests.test_web_security import _assert_self_contained

PERSONNUMMER = "811218-9876"
# The report form's map: Leaflet (served by est) and est's map script.
MAP_ASSETS = {
    "/static/vendor/leaflet/1.9.3/leaflet.css",
    "/static/vendor/leaflet/1.9.3/leaflet.js",
    "/static/est-map.js",
}


def test_a_reporter_reports_with_the_form_and_sees_it_in_mina_rapporter(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    form = reporter.get("/t/alfa/rapportera").get_data(as_text=True)
    assert 'lang="sv"' in form and "Rapportera" in form and "Skadegörelse" in form
    response = reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"], comment="Krossad ruta"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/t/alfa/mina-rapporter")
    assert api.get(f"{alfa.base}/reports", alfa.admin).get_json()["items"][0]["source"] == "web"  # from the form
    mine = reporter.get("/t/alfa/mina-rapporter").get_data(as_text=True)
    assert "Rapporten är sparad." in mine and "Norr" in mine and "Den här perioden" in mine
    assert 'href="/t/alfa/rapporter"' not in reporter.get("/t/alfa/").text  # the report list is the coordinators'
    stored = api.get("/api/v1/tenants/alfa/reports", alfa.admin).get_json()["items"]
    assert [(r["item"], r["reporter_function"], r["comment"]) for r in stored] == [
        ("skadegorelse", "faltgrupp", "Krossad ruta")
    ]
    again = reporter.get("/t/alfa/rapportera").get_data(as_text=True)
    assert f'<option value="{alfa.areas["norr"]}" selected>' in again  # the last area is remembered


def test_the_guard_refusal_is_shown_beside_the_comment_and_nothing_is_stored(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    response = reporter.post(
        "/t/alfa/rapportera", report_form(alfa.areas["norr"], comment=f"Pojken {PERSONNUMMER} igen", place="")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page and 'href="#comment"' in page and 'href="#place"' in page
    assert re.search(r'<p class="field-error" id="comment-error">[^<]*personnummer', page, re.IGNORECASE)
    assert 'aria-describedby="comment-error privacy-hint" aria-invalid="true"' in page
    assert PERSONNUMMER not in page.replace(f"Pojken {PERSONNUMMER} igen</textarea>", "")  # only in the field
    assert count_all(app, Report) == {"Report": 0}


def test_forms_without_their_csrf_token_are_refused(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    refused = reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"]), csrf=False)
    assert refused.status_code == 400 and "Ladda om sidan" in refused.get_data(as_text=True)
    wrong = reporter.client.post("/t/alfa/rapportera", data={**report_form(alfa.areas["norr"]), "csrf": "fel"})
    assert wrong.status_code == 400
    assert reporter.post("/sprak", {"lang": "en", "next": "/"}, page="/tillganglighet", csrf=False).status_code == 400
    assert count_all(app, Report) == {"Report": 0}


def test_other_tenants_pages_and_reports_are_404_pages(app: Flask, api: Api) -> None:
    alfa, beta = two_tenants(api)
    theirs = beta.report(beta.member("annan", "reporter", organisation="kommun", function="faltgrupp"),
                         area="norr", at="2026-03-02T10:00:00+01:00")  # fmt: skip
    colleagues = alfa.report(alfa.admin, area="norr", at="2026-03-02T10:00:00+01:00")
    outsider = PageClient(app, "rapportor@beta.test")
    reporter = PageClient(app, "rapportor@alfa.test")
    every_page = [PARAM.sub(str(colleagues["id"]), rule.rule.replace("<slug>", "alfa"))
                  for rule in app.url_map.iter_rules() if rule.rule.startswith("/t/<slug>/")]  # fmt: skip
    assert len(every_page) >= 4  # the wall below holds for every tenant page, and for pages added later
    for client, path in [
        *[(outsider, path) for path in every_page],
        (outsider, "/t/finns-inte/"),
        (reporter, f"/t/alfa/rapporter/{theirs['id']}"),
        (reporter, f"/t/alfa/rapporter/{colleagues['id']}"),
        (reporter, "/t/alfa/rapporter/99999"),
        (reporter, "/t/alfa/finns-inte"),
        (reporter, "/finns-inte"),
    ]:
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 404 and response.mimetype == "text/html", path
        assert "Sidan finns inte" in page and "Torget" not in page, path
        assert client is reporter or "Alfa kommun" not in page, path
    for path in every_page:
        form = {**report_form(alfa.areas["norr"]), "csrf": outsider.csrf("/tillganglighet")}
        assert outsider.client.post(path, data=form).status_code in (404, 405), path
    assert count_all(app, Report) == {"Report": 2}  # nothing stored by the outsider's posts
    assert reporter.get("/api/v1/finns-inte").get_json()["code"] == 404  # the API's stay JSON
    posted = reporter.client.post(
        f"/t/alfa/rapporter/{theirs['id']}",
        data={**report_form(alfa.areas["norr"]), "csrf": reporter.csrf("/tillganglighet")},
    )
    assert posted.status_code == 404
    assert api.get(f"/api/v1/tenants/beta/reports/{theirs['id']}", beta.admin).get_json()["place"]["text"] == "Torget"


def test_anonymous_visitors_are_sent_to_the_login_and_back(app: Flask, api: Api) -> None:
    two_tenants(api)
    visitor = PageClient(app)
    response = visitor.get("/t/alfa/rapportera")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/t/alfa/rapportera"
    logged_in = visitor.post("/login?next=/t/alfa/rapportera", {"email": "rapportor@alfa.test",
                             "password": "korrekt-hästbatteri-häftstift", "next": "/t/alfa/rapportera"})  # fmt: skip
    assert logged_in.headers["Location"] == "/t/alfa/rapportera"
    assert visitor.get("/tillganglighet").status_code == 200


def test_the_coordinators_home_shows_the_cycle_and_coverage(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    assert reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"])).status_code == 303
    alfa.cycle(at=_now_iso())
    page = PageClient(app, "samordnare@alfa.test").get("/t/alfa/").get_data(as_text=True)
    assert "1 av 3 rapporterande funktioner har rapporterat." in page
    missing = page.split("Inte rapporterat", 1)[1].split("Rapporterat", 1)[0]
    assert "Områdespolis" in page.split("Lokalpolisområdet", 1)[1] and "Fältgrupp" not in missing
    assert "samlar in" in page and "Sista rapporteringsdag" in page and "kvar" in page
    assert re.search(r"<td>Skadegörelse[^<]*</td><td class=\"number\">1</td>", page)
    assert re.search(r"<td>Norr</td><td class=\"number\">1</td>", page)
    home = reporter.get("/t/alfa/").get_data(as_text=True)
    assert "Täckning" not in home and 'class="button big"' in home


def test_after_login_one_lands_on_the_home_or_chooses_among_tenants(app: Flask, api: Api) -> None:
    two_tenants(api)
    assert PageClient(app, "rapportor@alfa.test").get("/").headers["Location"] == "/t/alfa/"
    api.user("samordnare@alfa.test", tenant="beta", role="coordinator")
    chooser = PageClient(app, "samordnare@alfa.test").get("/").get_data(as_text=True)
    assert 'href="/t/alfa/"' in chooser and 'href="/t/beta/"' in chooser and "Välj kommun" in chooser


def test_the_language_switch_is_remembered(app: Flask, api: Api) -> None:
    two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    switched = reporter.post("/sprak", {"lang": "en", "next": "/t/alfa/rapportera"}, page="/t/alfa/rapportera")
    assert switched.status_code == 303 and switched.headers["Location"] == "/t/alfa/rapportera"
    assert "Max-Age=31536000" in switched.headers["Set-Cookie"]
    page = reporter.get("/t/alfa/rapportera").get_data(as_text=True)
    assert 'lang="en"' in page and "Send report" in page and "Svenska" in page
    assert '<fieldset class="section" lang="sv">' in page  # the tenant's checklist stays Swedish, and says so
    assert (
        reporter.post("/sprak", {"lang": "sv", "next": "https://elsewhere.example/"}, page="/tillganglighet").headers[
            "Location"
        ]
        == "/"
    )
    assert 'lang="sv"' in reporter.get("/t/alfa/rapportera").get_data(as_text=True)


def _now_iso() -> str:
    from core.db import utcnow

    return utcnow().isoformat()


def test_quick_times_and_the_precise_picker(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    assert re.search(r'id="at" name="at" value="\d{4}-\d\d-\d\dT\d\d:\d\d"', reporter.get("/t/alfa/rapportera").text)
    for when in ("last_night", "exact"):
        form = report_form(alfa.areas["norr"], when=when, at="2026-03-03T21:30")
        assert reporter.post("/t/alfa/rapportera", form).status_code == 303
    bad = reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"], when="exact", at="i morgon"))
    assert bad.status_code == 422 and 'href="#at"' in bad.text and "Ange datum och tid." in bad.text
    stored = api.get("/api/v1/tenants/alfa/reports", alfa.admin).get_json()["items"]
    exact = next(r for r in stored if r["occurred_until"] is None)
    evening = next(r for r in stored if r["occurred_until"] is not None)
    assert exact["occurred_at"].startswith("2026-03-03T20:30")  # 21:30 in Stockholm is 20:30 UTC
    assert evening["occurred_at"][11:16] in ("17:00", "16:00") and evening["occurred_until"][11:16] in (
        "22:59",
        "21:59",
    )


def test_a_report_is_editable_until_its_period_is_compiled(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    assert reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"])).status_code == 303
    report_id = api.get("/api/v1/tenants/alfa/reports", alfa.admin).get_json()["items"][0]["id"]
    edit = f"/t/alfa/rapporter/{report_id}"
    assert f'href="{edit}"' in reporter.get("/t/alfa/mina-rapporter").text
    at = re.search(r'name="at" value="([^"]+)"', reporter.get(edit).text)[1]
    changed = reporter.post(edit, report_form(alfa.areas["centrum"], place="Busshållplatsen", when="exact", at=at))
    assert changed.status_code == 303
    stored = api.get(f"/api/v1/tenants/alfa/reports/{report_id}", alfa.admin).get_json()
    assert (stored["place"]["text"], stored["area"]) == ("Busshållplatsen", alfa.areas["centrum"])
    cycle = alfa.cycle(at=_now_iso())
    assert alfa.move(cycle["id"], "compiling").status_code == 200
    alfa.compiled(cycle["id"], "part_kommun")
    mine = reporter.get("/t/alfa/mina-rapporter").text
    assert f'href="{edit}"' not in mine and "kan inte längre ändras" in mine
    locked = reporter.post(edit, report_form(alfa.areas["norr"], place="Torget"))
    assert locked.status_code == 422 and "kan inte längre ändras" in locked.text
    assert api.get(f"/api/v1/tenants/alfa/reports/{report_id}", alfa.admin).get_json()["place"]["text"] == (
        "Busshållplatsen"
    )


def test_the_form_offers_the_sections_the_reporters_party_answers(app: Flask, api: Api) -> None:
    malmo = Tenant(api, "alfa", checklist="malmo")
    malmo.member("polisen", "reporter", organisation="polis", function="omradespolis")
    malmo.member("vard", "reporter", organisation="bostader", function="husvardar")
    police = PageClient(app, "polisen@alfa.test").get("/t/alfa/rapportera").text
    housing = PageClient(app, "vard@alfa.test").get("/t/alfa/rapportera").text
    assert "<legend>Brottsutveckling under veckan</legend>" in police and "Bostadsområden" not in police
    assert "<legend>Bostadsområden</legend>" in housing and "Brottsutveckling under veckan" not in housing
    refused = PageClient(app, "vard@alfa.test").post(
        "/t/alfa/rapportera", report_form(malmo.areas["norr"], item="skjutningar")
    )
    assert refused.status_code == 422 and 'href="#item-' in refused.text  # the service's rule, shown at the field


def test_every_page_holds_to_the_content_security_policy(app: Flask, api: Api) -> None:
    """No inline script or style and nothing from another origin (``default-src 'self'``), on every page."""
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    assert reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"])).status_code == 303
    refused = reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"], comment=PERSONNUMMER))
    edit = f"/t/alfa/rapporter/{api.get('/api/v1/tenants/alfa/reports', alfa.admin).get_json()['items'][0]['id']}"
    paths = ("/t/alfa/", "/t/alfa/rapportera", "/t/alfa/mina-rapporter", edit, "/tillganglighet")
    pages = [refused, reporter.get("/t/beta/"), *(reporter.get(path) for path in paths)]
    pages += [PageClient(app, "samordnare@alfa.test").get("/t/alfa/"), PageClient(app).get("/login")]
    assert [page.status_code for page in pages] == [422, 404, 200, 200, 200, 200, 200, 200, 200]
    for page in pages:
        assert "Content-Security-Policy" in page.headers
        assets = _assert_self_contained(reporter, page.text)
        form_scripts = {"/static/offline.js", "/static/item-search.js"}
        assert assets[0] == "/static/est.css" and set(assets[1:]) <= MAP_ASSETS | form_scripts, assets


def test_earlier_reports_come_a_page_at_a_time_and_the_home_shows_the_latest_few(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    token = api.token("rapportor@alfa.test")
    for day in range(1, 26):  # 25 earlier reports (March 2024), one of this period
        alfa.report(token, area="norr", at=f"2024-03-{day:02d}T12:00:00+01:00", place={"text": f"Plats {day}"})
    alfa.report(token, area="norr", at=_now_iso(), place={"text": "Plats nu"})
    alfa.report(api.token("polisen@alfa.test"), area="norr", at="2024-03-30T12:00:00+01:00", place={"text": "Polisens"})
    reporter = PageClient(app, "rapportor@alfa.test")

    def places(page: str) -> list[str]:
        return re.findall(r"Plats (\d+|nu)", page)

    first = reporter.get("/t/alfa/mina-rapporter").text
    assert places(first) == ["nu", *(str(d) for d in range(25, 5, -1))]  # this period's, then 20 earlier
    assert 'href="/t/alfa/mina-rapporter?sida=2"' in first and "Äldre rapporter" in first and "Nyare" not in first
    second = reporter.get("/t/alfa/mina-rapporter?sida=2").text
    assert places(second) == ["nu", "5", "4", "3", "2", "1"] and "Äldre rapporter" not in second
    assert 'href="/t/alfa/mina-rapporter?sida=1"' in second
    for odd in ("0", "-3", "x", "99999999999"):  # any other page number: a page, never an error
        assert reporter.get(f"/t/alfa/mina-rapporter?sida={odd}").status_code == 200
    home = reporter.get("/t/alfa/").text
    assert places(home) == ["nu", "25", "24", "23", "22", "21"] and "Alla mina rapporter" in home
    assert "Polisens" not in first + second + home  # another reporter's report
