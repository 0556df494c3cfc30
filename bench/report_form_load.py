"""What the reporter's form costs a phone: bytes on the first load, and what still goes to the network once the
service worker keeps the form (``core/static/offline-sw.js``).

An embedded est (SQLite in a temporary folder, the Örebro pilot, one reporter) is served on 127.0.0.1 and driven by
Chromium through Playwright. After logging in, the browser's HTTP cache is cleared and the form is loaded: every
response the page and its service worker receive is counted with its transferred size (headers and body, as
Playwright reports them). Then the form is loaded a second time and a report is sent; the requests that reach the
server — not answered by the service worker's store — are listed. Targets: ≤ 150 KB on the first load; on the
second load nothing but the page itself (network first, so it is fresh), and when sending, nothing but the report.
The exit status is 1 when a target is missed. Not a test: it prints figures.

    .venv/bin/python bench/report_form_load.py        # ~20 s
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import Page, Request, sync_playwright

from config.settings import REPO_ROOT, Settings
from core.accounts.seed import ensure_member
from core.accounts.service import upsert_user
from core.app import create_app
from core.migrate import upgrade
from core.serving import make_demo_server
from core.tenancy import current_session
from core.tenants import files, onboarding

TARGET_BYTES = 150 * 1024
EMAIL, PASSWORD = "rapportor@orebro.bench", "bench-lösenord-som-är-långt"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FORGET = """async () => {
  for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  for (const name of await caches.keys()) await caches.delete(name);
}"""


def serve(instance: Path) -> tuple[str, object]:
    settings = replace(Settings.from_env({"instance_path": str(instance)}), secure_cookies=False)
    upgrade(settings)
    app = create_app(settings)
    with app.app_context():
        db = current_session()
        pm = app.extensions["est.plugins"]
        onboarding.apply(db, files.load(REPO_ROOT / "tenants" / "orebro.toml", pm), pm)
        ensure_member(db, "orebro", upsert_user(db, EMAIL, PASSWORD), "reporter")
        db.commit()
    httpd = make_demo_server(app, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_port}", httpd


def watch(page: Page) -> list[tuple[Request, bool]]:
    """Every finished request of the page and of its service worker, with whether it reached the server."""
    seen: list[tuple[Request, bool]] = []

    def finished(request: Request) -> None:
        response = request.response()
        from_store = response is not None and response.from_service_worker
        seen.append((request, request.service_worker is not None or not from_store))

    page.context.on("requestfinished", finished)
    return seen


def size(request: Request) -> int:
    sizes = request.sizes()
    return sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)


def main() -> int:
    instance = Path(tempfile.mkdtemp(prefix="est-form-bench-"))
    httpd = None
    try:
        base, httpd = serve(instance)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, locale="sv-SE")
            page = context.new_page()
            page.goto("/login")
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.press("#password", "Enter")
            page.evaluate(FORGET)  # the home registered the worker: start as a phone that never saw the form
            context.new_cdp_session(page).send("Network.clearBrowserCache")

            seen = watch(page)
            page.goto("/t/orebro/rapportera", wait_until="networkidle")
            page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
            page.wait_for_timeout(1500)  # the worker keeps the pages and assets it was told of
            first = [(r, reached) for r, reached in seen if r.service_worker is None]
            kept = [r for r, _ in seen if r.service_worker is not None]
            total = sum(size(r) for r, _ in first)
            print("first load of /t/orebro/rapportera (the page's requests):")
            for request, _ in first:
                print(f"  {size(request):>8,} B  {request.method} {request.url.removeprefix(base)}")
            print(f"  {total:>8,} B  in all ({total / 1024:.1f} KB; target ≤ {TARGET_BYTES // 1024} KB)")
            kept_urls = ", ".join(r.url.removeprefix(base) for r in kept)
            print(f"  + the service worker's fetches to keep them: {sum(size(r) for r in kept):,} B: {kept_urls}")

            seen.clear()
            page.goto("/t/orebro/rapportera", wait_until="networkidle")
            second = [r.url.removeprefix(base) for r, reached in seen if reached]
            print(f"second load: {len(second)} request(s) reached the server: {second}")

            seen.clear()
            page.select_option("#area", index=1)
            page.check("input[name=item] >> nth=0")
            page.fill("#place", "Stortorget")
            page.check("#severity-1")
            with page.expect_navigation():
                page.click("button.primary")
            page.wait_for_load_state("networkidle")
            sent = [f"{r.method} {r.url.removeprefix(base)}" for r, reached in seen if reached]
            print(f"sending a report: {len(sent)} request(s) reached the server: {sent} (the report, then the page "
                  "it leads to)")  # fmt: skip
            browser.close()
        ok = total <= TARGET_BYTES and second == ["/t/orebro/rapportera"]
        ok = ok and sent == ["POST /t/orebro/rapportera", "GET /t/orebro/mina-rapporter"]
        print("targets met" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        if httpd is not None:
            httpd.shutdown()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
