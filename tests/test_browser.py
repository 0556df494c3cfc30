"""The pages in a real browser: Playwright driving Debian's Chromium against a real server on this test database.

A reporter reports with the keyboard alone at phone width; the guard's refusal is reached from the error summary;
axe-core (WCAG 2.1 A and AA rules) finds no violation on any page, in Swedish and in English. Without a Chromium
these tests are skipped, and the summary says so (``.ci/run`` sets ``EST_REQUIRE_BROWSER=1``: there a missing
browser fails). ``EST_SCREENSHOTS=<folder>`` saves every page at 390 and 1366 px wide, to look at.
"""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Browser

from core.db import utcnow
from tests.browser import log_in, look, open_page, skip_without_chromium, tab_to
from tests.helpers import Api
from tests.page_helpers import onboard_pilot, two_tenants

skip_without_chromium()


def test_a_reporter_reports_with_the_keyboard_alone_on_a_phone(api: Api, browser: Browser, server: str) -> None:
    two_tenants(api)
    page = open_page(browser, server)
    log_in(page, "rapportor@alfa.test")
    assert page.url.endswith("/t/alfa/")
    tab_to(page, "a.button.big")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/t/alfa/rapportera")
    tab_to(page, "#area")
    page.keyboard.press("ArrowDown")  # the first area, Centrum
    tab_to(page, "input[name=item]")
    page.keyboard.press("Space")  # the first item
    tab_to(page, "#place")
    page.keyboard.type("Torget vid biblioteket")
    tab_to(page, "input[name=severity]")
    page.keyboard.press("Space")
    tab_to(page, "#comment")
    page.keyboard.type("Krossad ruta i entrén")
    tab_to(page, "button.primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/t/alfa/mina-rapporter")
    text = page.inner_text("main")
    assert "Rapporten är sparad." in text and "Centrum · Torget vid biblioteket" in text


def test_the_guard_refusal_is_reached_from_the_error_summary(api: Api, browser: Browser, server: str) -> None:
    two_tenants(api)
    page = open_page(browser, server)
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    tab_to(page, "#comment")
    page.keyboard.type("Han har nummer 070-123 45 67")
    tab_to(page, "button.primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.inner_text(".error-summary")
    assert "Inget har sparats." in summary and "telefonnummer" in summary.lower()
    assert "telefonnummer" in page.inner_text("#comment-error").lower()
    tab_to(page, '.error-summary a[href="#comment"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "comment"
    page.goto("/t/alfa/mina-rapporter")
    assert "Inga rapporter än." in page.inner_text("main")


def test_every_page_passes_axe_in_both_languages(api: Api, browser: Browser, server: str) -> None:
    alfa, _beta = two_tenants(api)
    alfa.cycle(at=utcnow().isoformat())
    api.user("samordnare@alfa.test", tenant="beta", role="coordinator")
    reporter = api.token("rapportor@alfa.test")
    report = alfa.report(reporter, area="norr", at=utcnow().isoformat(), comment="Klotter på väggen")
    alfa.report(api.token("polisen@alfa.test"), area="centrum", at=utcnow().isoformat(), item="brand")
    for language in ("sv", "en"):
        page = open_page(browser, server, language)
        for path, name in (("/login", "login"), ("/tillganglighet", "tillganglighet")):
            page.goto(path)
            look(page, f"{name}-{language}")
        page.goto("/login")
        page.fill("#email", "rapportor@alfa.test")
        page.fill("#password", "fel-lösenord-igen")
        page.click("button[type=submit]")
        look(page, f"login-error-{language}")
        log_in(page, "rapportor@alfa.test")
        for path, name in (
            ("/t/alfa/", "reporter-home"),
            ("/t/alfa/rapportera", "report-form"),
            ("/t/alfa/mina-rapporter", "my-reports"),
            (f"/t/alfa/rapporter/{report['id']}", "edit-report"),
            ("/t/beta/", "not-found"),
        ):
            page.goto(path)
            look(page, f"{name}-{language}")
        page.goto("/t/alfa/rapportera")
        page.fill("#comment", "Ring 070-123 45 67")
        with page.expect_navigation():  # the offline queue's script posts first, then shows the server's page
            page.click("button.primary")
        look(page, f"report-form-errors-{language}")
        page.evaluate("document.querySelector('form.report input[name=csrf]').value = 'fel'")
        with page.expect_navigation():  # posted as without JavaScript (the script would fetch a fresh token)
            page.evaluate("document.querySelector('form.report').submit()")
        look(page, f"refused-{language}")
        page.context.close()
        page = open_page(browser, server, language)
        log_in(page, "samordnare@alfa.test")
        look(page, f"choose-{language}")
        page.goto("/t/alfa/")
        assert "Täckning" in page.inner_text("main") or "Coverage" in page.inner_text("main")
        look(page, f"coordinator-home-{language}")
        page.context.close()


def test_norrkopings_seventy_functions_stay_legible(app: Flask, api: Api, browser: Browser, server: str) -> None:
    onboard_pilot(app, "norrkoping")
    admin = api.user("admin@norrkoping.test", tenant="norrkoping", role="admin")
    base = "/api/v1/tenants/norrkoping"
    api.post(f"{base}/cycles", admin, json={"at": utcnow().isoformat()})
    functions = api.get(f"{base}/reporter-functions?page_size=200", admin).get_json()["items"]
    areas = api.get(f"{base}/areas?page_size=200", admin).get_json()["items"]
    sections = api.get(f"{base}/checklist", admin).get_json()["content"]["sections"]
    item = next(s for s in sections if s["answered_by"] is None)["items"][0]["key"]
    for function in functions[::2]:
        body = {"item": item, "area": areas[0]["id"], "occurred_at": utcnow().isoformat(), "severity": 1,
                "place": {"text": "Torget"}, "reporter_function": function["key"]}  # fmt: skip
        assert api.post(f"{base}/reports", admin, json=body).status_code == 201
    page = open_page(browser, server)
    log_in(page, "admin@norrkoping.test")
    reported = len(functions[::2])
    assert f"{reported} av {len(functions)} rapporterande funktioner har rapporterat." in page.inner_text("main")
    look(page, "coordinator-home-norrkoping")
