"""The web pages: server-rendered Jinja templates (``core/templates``) and est's own static files
(``core/static``, at ``/static``), one module per audience — ``account`` (login, the choice of municipality,
language, the accessibility statement), ``reporter`` and ``coordinator`` — under the tenant's pages of ``tenant``.
``report_list`` (the coordinators' filtered list and its exports) and ``notices`` (notifications on the home pages)
add their pages to it when imported.

Pages call the same services as the API, never est's HTTP API. Every form carries the session's CSRF token
(``core.csrf``); the Content-Security-Policy (``core.security``) allows no inline script or style, so pages keep
theirs in ``core/static``, and every task works without JavaScript.
"""

from __future__ import annotations

from flask import Flask, current_app, g, get_flashed_messages, render_template, request
from werkzeug.exceptions import NotFound

from core.accounts.actor import current_actor
from core.api import API_PREFIX
from core.csrf import form_token
from core.map_svg import map_svg
from core.web import (  # noqa: F401 (modules that add pages)
    account,
    assessment,
    coordinator,
    cycle,
    language,
    leaflet,
    mailbox,
    maps,
    meeting,
    notices,
    opt_out,
    pictures,
    proposals,
    report_list,
    reporter,
    tenant,
)


@tenant.blp.route("/")
def home():
    """The tenant's home for the caller's role: coordinators and admins (who act for others) get the
    coordinator's, reporters the reporter's."""
    return coordinator.home() if current_actor().may_act_for_others else reporter.home()


def not_found(error: NotFound):
    """An unknown address outside the API is answered with the 404 page; the API's stay in its JSON error shape."""
    if request.path == API_PREFIX or request.path.startswith(f"{API_PREFIX}/"):
        return current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].handle_http_exception(error)
    return render_template("not_found.html"), 404


def init_app(app: Flask) -> None:
    language.init_app(app)
    app.jinja_env.globals.update(
        csrf_token=form_token,
        current_user=lambda: g.get("user"),
        current_path=lambda: request.full_path.rstrip("?"),
        flashed=get_flashed_messages,
    )
    # --- lägesbild renderings: _picture.html draws the picture's map with it
    app.jinja_env.globals.update(map_svg=map_svg)
    app.register_error_handler(NotFound, not_found)
    app.register_blueprint(account.blp)
    app.register_blueprint(tenant.blp)
    # --- maps ---
    app.register_blueprint(leaflet.blp)
    maps.init_app(app)
    app.register_blueprint(opt_out.blp)  # distribution of published pictures
