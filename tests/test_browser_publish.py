"""The distribution's pages in a real browser (axe: WCAG 2.1 A and AA, in Swedish and English): the local mailbox
with a published picture's messages, one message with its sandboxed HTML body, and a reporter's opt-out."""

from __future__ import annotations

import re
import shutil
from email.message import Message
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser

from core.mail.transport import local_mailbox, read_local_mailbox
from tests.browser import log_in, look, open_page, skip_without_chromium
from tests.helpers import Api
from tests.mail_helpers import wait_until
from tests.publication_helpers import Pilot, private_worker

skip_without_chromium()


def test_the_mailbox_and_the_opt_out_pages_are_accessible(
    app: Flask, api: Api, browser: Browser, server: str, real_services: bool, tmp_path: Path
) -> None:
    settings = app.config["EST"]
    shutil.rmtree(local_mailbox(settings), ignore_errors=True)
    pilot = Pilot(app, api)
    pilot.reporter("falt")

    def feedback() -> Message | None:
        return next((m for m in read_local_mailbox(settings) if m["To"] == "falt@orebro.test"), None)

    # On the real leg a worker of this test delivers into this test's instance folder, which the mailbox page reads.
    with private_worker(app, real_services, tmp_path / "worker.log", settings):
        pilot.publish_week()
        wait_until(lambda: feedback() is not None, timeout=120)
    opt_out = re.search(r"<(http://[^>]+)>", str(feedback()["List-Unsubscribe"])).group(1)
    path = opt_out.removeprefix("http://localhost")
    for language in ("sv", "en"):
        page = open_page(browser, server, language)
        log_in(page, "admin@orebro.test")
        page.goto("/t/orebro/brevlada")
        look(page, f"mailbox-{language}")
        page.locator(".mail-list a").first.click()
        page.wait_for_load_state()
        assert page.locator("iframe.mail-body").count() == 1
        look(page, f"mail-message-{language}")
        visitor = open_page(browser, server, language)
        visitor.goto(path)
        look(visitor, f"opt-out-{language}")
        visitor.goto(path[:-3] + "xyz")
        look(visitor, f"opt-out-invalid-{language}")
    visitor.goto(path)
    with visitor.expect_navigation():
        visitor.locator("main button").click()
    look(visitor, "opt-out-done")
