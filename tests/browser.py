"""The browser tests' shared parts: Playwright driving Debian's Chromium against a real server on the test
database, axe-core, and screenshots.

``tests/conftest.py`` loads this module as a plugin, so its fixtures (``server``, ``browser``) reach every test. A
browser test module calls :func:`skip_without_chromium` first: without a Chromium it is skipped (``.ci/run`` sets
``EST_REQUIRE_BROWSER=1``: there a missing browser fails). ``EST_SCREENSHOTS=<folder>`` saves every page looked at
with :func:`look` at 390 and 1366 px wide.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright

from config.settings import Settings
from core.app import create_app
from core.serving import make_demo_server
from tests.helpers import PASSWORD

CHROMIUM = os.environ.get("EST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def skip_without_chromium() -> None:
    """Called at the top of a browser test module: skip it when there is no Chromium, and say why (under
    ``EST_REQUIRE_BROWSER=1`` fail instead)."""
    if Path(CHROMIUM).exists():
        return
    reason = f"no Chromium at {CHROMIUM}: the browser tests need one (apt-get install chromium)"
    if os.environ.get("EST_REQUIRE_BROWSER") == "1":
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[str]:
    """est served over plain http on 127.0.0.1, as ``est demo`` serves it (so cookies are not Secure-only)."""
    live: Flask = create_app(replace(settings, secure_cookies=False))
    httpd = make_demo_server(live, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


def open_page(browser: Browser, server: str, language: str = "sv", viewport: dict = PHONE) -> Page:
    # A Swedish browser (Accept-Language sv-SE); English by the pages' switch, as a user would choose it.
    context = browser.new_context(viewport=viewport, base_url=server, locale="sv-SE")
    if language != "sv":
        context.add_cookies([{"name": "est_lang", "value": language, "url": server}])
    return context.new_page()


def tab_to(page: Page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    violations = results.response["violations"]
    report = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in violations]
    assert not violations, f"{page.url}: {report}"


def look(page: Page, name: str) -> None:
    """axe on the page; with EST_SCREENSHOTS, screenshots at phone and desktop width."""
    assert_accessible(page)
    folder = os.environ.get("EST_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            page.screenshot(path=f"{folder}/{name}-{viewport['width']}.png", full_page=True)
        page.set_viewport_size(PHONE)
