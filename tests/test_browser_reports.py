"""The coordinators' report list and the home pages' notifications in a real browser: filtering with the keyboard
alone, reading the rows as cards on a phone and as a table on a desk, marking a notification read, and axe (WCAG 2.1
A and AA) finding nothing in Swedish or English. ``EST_SCREENSHOTS=<folder>`` saves each page at 390 and 1366 px."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from playwright.sync_api import Browser
from sqlalchemy import select

from core.accounts.models import Membership, User
from core.db import utcnow
from core.notifications.service import notify
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant as TenantRow
from tests.browser import log_in, look, open_page, skip_without_chromium, tab_to
from tests.helpers import Api
from tests.page_helpers import two_tenants

skip_without_chromium()


def _remind(app: Flask, email: str) -> None:
    with app.app_context():
        db = current_session()
        user_id = db.scalar(select(User.id).where(User.email == email))
        with tenant_context(db.scalar(select(TenantRow.id).where(TenantRow.slug == "alfa")), db):
            membership = db.scalar(select(Membership).where(Membership.user_id == user_id))
            notify(db, membership, kind="reminder", key=f"reminder:{email}", subject="Påminnelse: veckans rapport",
                   body="Sista dag för rapporter är onsdag kl. 10.")  # fmt: skip
            db.commit()


def test_a_coordinator_filters_the_list_with_the_keyboard(app: Flask, api: Api, browser: Browser, server: str) -> None:
    alfa, _beta = two_tenants(api)
    reporter, police = api.token("rapportor@alfa.test"), api.token("polisen@alfa.test")
    now = utcnow()
    alfa.report(reporter, area="norr", at=now.isoformat(), comment="Klotter på väggen vid skolan")
    alfa.report(police, area="centrum", at=(now - timedelta(hours=2)).isoformat(), item="brand", severity=3,
                comment="=HYPERLINK(\"http://x.invalid\")")  # fmt: skip
    alfa.report(reporter, area="centrum", at=(now - timedelta(days=21)).isoformat(), comment="Sen rapport")
    _remind(app, "samordnare@alfa.test")
    page = open_page(browser, server)
    log_in(page, "samordnare@alfa.test")
    assert "Påminnelse: veckans rapport" in page.inner_text("main")
    tab_to(page, 'a[href^="/t/alfa/rapporter?"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#period_from")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")  # the home's link chose this period: widen it to all
    tab_to(page, "#period_to")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    tab_to(page, "#area")
    page.keyboard.press("ArrowDown")  # Centrum
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rows = page.inner_text(".report-table tbody")
    assert "Brand" in rows and "Sen rapport" in rows and "Klotter" not in rows
    assert f"area={alfa.areas['centrum']}" in page.get_attribute('a[href*="format=csv"]', "href")
    tab_to(page, "#late")
    page.keyboard.press("ArrowDown")  # Ja
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "late=true" in page.url and "Sen rapport" in page.inner_text(".report-table tbody")
    assert "Brand" not in page.inner_text(".report-table tbody")
    look(page, "report-list-filtered-sv")
    page.goto("/t/alfa/rapporter?period_from=2026-W99")
    assert page.inner_text(".error-summary")
    tab_to(page, '.error-summary a[href="#period_from"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "period_from"
    look(page, "report-list-error-sv")


def test_the_pages_pass_axe_in_both_languages(app: Flask, api: Api, browser: Browser, server: str) -> None:
    alfa, _beta = two_tenants(api)
    reporter = api.token("rapportor@alfa.test")
    for n in range(3):
        alfa.report(reporter, area="norr", at=(utcnow() - timedelta(hours=n)).isoformat(), comment=f"Klotter {n}")
    _remind(app, "rapportor@alfa.test")
    _remind(app, "samordnare@alfa.test")
    for language in ("sv", "en"):
        page = open_page(browser, server, language)
        log_in(page, "samordnare@alfa.test")
        look(page, f"coordinator-home-notifications-{language}")
        page.goto("/t/alfa/rapporter")
        look(page, f"report-list-{language}")
        reporter_page = open_page(browser, server, language)
        log_in(reporter_page, "rapportor@alfa.test")
        look(reporter_page, f"reporter-home-notifications-{language}")
        if language == "sv":
            tab_to(reporter_page, ".notifications button")
            with reporter_page.expect_navigation():
                reporter_page.keyboard.press("Enter")
            assert "Aviseringen är markerad som läst." in reporter_page.inner_text("main")
            assert "Påminnelse" not in reporter_page.inner_text("main")
            reporter_page.goto("/t/alfa/rapporter")
            assert "för samordnare" in reporter_page.inner_text("main")
