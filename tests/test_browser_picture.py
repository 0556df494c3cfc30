"""The lägesbild pages in a real browser: a coordinator walks by keyboard from the list to a compiled picture and on
to its assessment form, reading the directions, the charts with their tables and the areas' strips on the way; a
reporter reads the published, public version. axe finds nothing on the list or the page, internal or public, in
Swedish or English."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant as TenantRow
from tests.browser import log_in, look, open_page, skip_without_chromium, tab_to
from tests.cycle_helpers import Tenant
from tests.helpers import Api
from tests.test_picture_pages import publish
from tests.test_presentation import _earlier_assessments, _setup

skip_without_chromium()


def _picture(app: Flask, api: Api) -> tuple[Tenant, dict]:
    """The presentation tests' assessed picture, with eleven earlier assessments of Centrum for its strip."""
    t, picture = _setup(api)
    t.member("samordnare", "coordinator", organisation="kommun", groups=("operativ_grupp",))
    with app.app_context():
        db = current_session()
        tenant = db.scalar(select(TenantRow).where(TenantRow.slug == "alfa"))
        with tenant_context(tenant.id, db):
            _earlier_assessments(db, 11)
    return t, picture


def test_a_coordinator_walks_from_the_list_to_a_picture_and_its_assessment(app: Flask, api: Api, browser, server):
    _, picture = _picture(app, api)
    page = open_page(browser, server)
    log_in(page, "samordnare@alfa.test")
    page.goto("/t/alfa/lagesbilder")
    look(page, "pictures-internal")
    link = f'a[href="/t/alfa/lagesbilder/{picture["id"]}"]'
    tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/t/alfa/lagesbilder/{picture['id']}")
    body = page.inner_text("main")
    assert "fler än föregående period" in body and "Vivallagatan, fredagar 21–24" in body
    assert page.locator(".chart-figure table").count() >= 5  # hour, weekday, theme, trend, strips — each a table
    strip = page.locator("table", has_text="Centrum: de senaste bedömningarna")
    assert strip.locator("tbody tr").count() == 12
    look(page, "picture-internal")
    tab_to(page, f'a[href="/t/alfa/lagesbilder/{picture["id"]}/bedomning"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/t/alfa/lagesbilder/{picture['id']}/bedomning")

    english = open_page(browser, server, "en")
    log_in(english, "samordnare@alfa.test")
    english.goto("/t/alfa/lagesbilder")
    look(english, "pictures-internal-en")
    english.goto(f"/t/alfa/lagesbilder/{picture['id']}")
    assert "more than the previous period" in english.inner_text("main")
    look(english, "picture-internal-en")


def test_a_reporter_reads_the_public_version(app: Flask, api: Api, browser, server):
    t, picture = _picture(app, api)
    publish(api, t, picture["cycle_id"])
    for language in ("sv", "en"):
        page = open_page(browser, server, language)
        log_in(page, "falt@alfa.test")
        page.goto("/t/alfa/lagesbilder")
        look(page, f"pictures-public-{language}")
        page.goto(f"/t/alfa/lagesbilder/{picture['id']}")
        assert "Vivallagatan" not in page.content()
        look(page, f"picture-public-{language}")
        page.goto("/t/alfa/mina-rapporter")
        look(page, f"my-reports-feedback-{language}")
