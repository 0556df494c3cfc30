"""The reporter's offline queue, server side: the service worker under the tenant's pages, the fresh form token a
queue flushing from a cached page needs, and what the form and home give ``core/static/offline.js``.

The worker is served at ``/t/<slug>/sw.js`` so that its scope is the tenant's pages and nothing else; like every
page there, it answers only the tenant's members (anyone else gets the 404 page). ``?v=`` carries a digest of est's
static files: a changed file changes the worker's address, so browsers install it anew and drop the old cache.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from flask import Response, g, jsonify, send_file, url_for

from core.csrf import form_token
from core.i18n import _
from core.web.tenant import blp

STATIC = Path(__file__).resolve().parent.parent / "static"


@cache
def static_version() -> str:
    """A digest of est's static files (read once per process: they change only with a deployment)."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@blp.route("/sw.js")
def service_worker() -> Response:
    response = send_file(STATIC / "offline-sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.route("/offline/token")
def offline_token() -> Response:
    """The session's form token and who is logged in, for a queue sent from a page that may have been cached in
    another session (not logged in: the login redirect, which the queue shows as such)."""
    response = jsonify(csrf=form_token(), user=g.user.id)
    response.headers["Cache-Control"] = "no-store"
    return response


def offline_config() -> dict[str, Any]:
    """What offline.js needs, texts included (translated here: the catalogue is the only source of texts)."""
    form = url_for("pages.report")
    return {
        "worker": url_for("pages.service_worker", v=static_version()),
        "scope": url_for("pages.home"),
        "token": url_for("pages.offline_token"),
        "form": form,
        "login": url_for("web.login", next=form),
        "user": g.user.id,
        "tenant": g.tenant.slug,
        "pages": [url_for("pages.home"), form],  # the form holds the reporter's checklist
        "texts": {
            "title": _("Waiting to be sent ({count})", count="{count}"),
            "queued": _("The report is kept on this device and is sent when the connection is back."),
            "offline": _("No connection. Reports are kept on this device and sent when the connection is back."),
            "sent": _("The waiting reports were sent."),
            "logged_out": _("You are logged out. Log in again to send the waiting reports; they are kept here."),
            "log_in": _("Log in"),
            "refused": _("Could not be sent:"),
            "open": _("Open in the form"),
            "remove": _("Remove"),
        },
    }
