"""The reporter's form in a real browser: the checklist narrows to what is typed, and the search never sends."""

from __future__ import annotations

import unicodedata

from playwright.sync_api import Browser

from tests.browser import log_in, look, open_page, skip_without_chromium, tab_to
from tests.helpers import Api
from tests.page_helpers import two_tenants

skip_without_chromium()

ITEMS = "fieldset:has(#item-search) .choice:visible"  # the checklist's items, not the other choices of the form


def test_typing_narrows_the_items_and_says_how_many_match(api: Api, browser: Browser, server: str) -> None:
    two_tenants(api)
    for language in ("sv", "en"):
        page = open_page(browser, server, language)
        log_in(page, "rapportor@alfa.test")
        page.goto("/t/alfa/rapportera")
        every = page.locator(ITEMS).count()
        assert every > 2
        tab_to(page, "#item-search")
        page.keyboard.type("BRÄND")  # case and accents do not matter ("Bränder" in the help texts)
        shown = page.locator(ITEMS)
        assert 0 < shown.count() < every
        texts = shown.all_inner_texts()
        assert all("brand" in unicodedata.normalize("NFD", t).lower() for t in texts), texts
        assert page.inner_text("#item-search-status").strip() != ""
        page.keyboard.press("Enter")  # Enter in the search sends nothing
        assert page.url.endswith("/t/alfa/rapportera")
        look(page, f"report-form-search-{language}")
        page.fill("#item-search", "zzzz-inget")
        assert page.locator(ITEMS).count() == 0
        assert page.inner_text("#item-search-status").strip() in {"Ingen punkt matchar.", "No item matches."}
        page.fill("#item-search", "")
        assert page.locator(ITEMS).count() == every
        page.context.close()
