"""The web pages' entry: a login page (the pages for reporters, coordinators and admins build on it).

Templates are in ``core/templates`` and est's own static files (stylesheet, scripts) in ``core/static``, served
at ``/static``: the Content-Security-Policy (core.security) allows no inline style or script.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from core.accounts.auth import login_session, logout_session
from core.accounts.routes import WRONG_CREDENTIALS
from core.csrf import CsrfRefused, check_form_token, form_token
from core.i18n import _
from core.ratelimit import LoginThrottled, throttled_authenticate
from core.tenancy import current_session

blp = Blueprint("web", __name__, static_folder="static", template_folder="templates")


def _page(error: str | None = None) -> str:
    return render_template("login.html", user=g.get("user"), error=error, csrf=form_token())


@blp.route("/")
def index():
    return _page()


@blp.route("/login", methods=["GET", "POST"])
def login():
    if request.method != "POST":  # GET and HEAD
        return _page()
    check_form_token()
    user = throttled_authenticate(current_session(), request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        return _page(_(WRONG_CREDENTIALS)), 401
    current_session().commit()
    login_session(user)
    return redirect(url_for("web.index"))


@blp.route("/logout", methods=["POST"])
def logout():
    check_form_token()
    logout_session()
    return redirect(url_for("web.index"))


@blp.errorhandler(CsrfRefused)
@blp.errorhandler(LoginThrottled)
def _refused(error: HTTPException):
    """A form refused before it was handled: a page saying why, with the error's headers (``Retry-After``)."""
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return render_template("refused.html", message=str(error.description)), error.code, headers
