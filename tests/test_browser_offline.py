"""The reporter's offline queue in a real browser (Chromium through Playwright): after one visit online the form
is served from the device without a connection; a report sent then waits on the device, shown as waiting, and is
sent once the connection is back — exactly once, also when the connection drops after the server got it, and also
when the session expired meanwhile (the reporter is asked to log in; nothing is lost). axe finds nothing on the form
with its waiting list, in Swedish and English."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page, Route

from core.reports.models import Report
from tests.browser import log_in, look, open_page, skip_without_chromium
from tests.helpers import PASSWORD, Api, count_all
from tests.page_helpers import two_tenants

skip_without_chromium()

KEPT = """async () => {
  if (!navigator.serviceWorker.controller) return false;
  for (const name of await caches.keys()) {
    const store = await caches.open(name);
    const kept = await Promise.all(["/t/alfa/rapportera", "/t/alfa/", "/static/est.css", "/static/offline.js"]
      .map((url) => store.match(url)));
    if (kept.every(Boolean)) return true;
  }
  return false;
}"""


def reports(app: Flask) -> int:
    return count_all(app, Report)["Report"]


def fill(page: Page, place: str) -> None:
    page.select_option("#area", index=1)
    page.check("input[name=item] >> nth=0")
    page.fill("#place", place)
    page.check("#severity-1")


def waiting(page: Page, count: int) -> str:
    title = "document.getElementById('offline-queue-title')"
    page.wait_for_function(f"n => {title} && {title}.textContent.includes('(' + n + ')')", arg=count)
    return page.inner_text("#offline-queue")


def test_a_report_written_offline_is_sent_once_when_the_connection_is_back(
    app: Flask, api: Api, browser, server: str
) -> None:
    two_tenants(api)
    page = open_page(browser, server)
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    page.wait_for_function(KEPT, timeout=20000)

    page.context.set_offline(True)
    page.reload()  # from the device
    assert "Ny rapport" in page.inner_text("h1")
    fill(page, "Torget vid biblioteket")
    page.click("button.primary")
    shown = waiting(page, 1)
    assert "Väntar på att skickas (1)" in shown and "Torget vid biblioteket" in shown
    assert "sparas på den här enheten" in shown
    assert reports(app) == 0
    look(page, "offline-waiting-sv")
    page.goto("/t/alfa/")  # the home, from the device too, shows what waits
    assert "Väntar på att skickas (1)" in waiting(page, 1)
    look(page, "offline-waiting-home-sv")

    page.context.set_offline(False)  # the "online" event sends it
    assert "har skickats" in waiting(page, 0)
    assert reports(app) == 1
    page.reload()
    assert page.is_hidden("#offline-queue") and reports(app) == 1

    with page.expect_navigation():  # logging out leaves none of the reporter's pages on the device
        page.click("header form[action$='/logout'] button")
    assert page.evaluate("caches.keys().then(names => names.filter(n => n.startsWith('est-offline-')))") == []


def test_a_report_whose_answer_was_lost_is_resent_and_stored_once(app: Flask, api: Api, browser, server: str) -> None:
    two_tenants(api)
    page = open_page(browser, server)
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    reached: list[int] = []

    def lose_the_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        reached.append(route.fetch().status)  # the server gets the report and answers …
        route.abort("connectionreset")  # … but the answer never arrives

    page.route("**/t/alfa/rapportera", lose_the_answer)
    fill(page, "Parkeringen")
    page.click("button.primary")
    assert "Väntar på att skickas (1)" in waiting(page, 1)
    assert reached == [201] and reports(app) == 1
    page.unroute("**/t/alfa/rapportera")
    page.reload()  # the next page load sends what waits: the same key, so the same report
    waiting(page, 0)
    assert reports(app) == 1


def test_a_queue_kept_through_an_expired_session_is_sent_after_login(
    app: Flask, api: Api, browser, server: str
) -> None:
    two_tenants(api)
    page = open_page(browser, server)
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    page.context.set_offline(True)
    fill(page, "Busshållplatsen")
    page.click("button.primary")
    waiting(page, 1)
    page.context.clear_cookies()  # the session ends while the phone is offline
    page.context.set_offline(False)
    page.wait_for_selector("#offline-queue-status a")
    shown = page.inner_text("#offline-queue")
    assert "Du är utloggad" in shown and "Väntar på att skickas (1)" in shown and reports(app) == 0
    with page.expect_navigation():
        page.click("#offline-queue-status a")
    page.fill("#email", "rapportor@alfa.test")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    waiting(page, 0)
    assert reports(app) == 1


def test_the_form_with_its_waiting_list_passes_axe_in_english(api: Api, browser, server: str) -> None:
    two_tenants(api)
    page = open_page(browser, server, "en")
    log_in(page, "rapportor@alfa.test")
    page.goto("/t/alfa/rapportera")
    page.context.set_offline(True)
    fill(page, "The square")
    page.click("button.primary")
    assert "Waiting to be sent (1)" in waiting(page, 1)
    look(page, "offline-waiting-en")
