"""Pages outside any tenant: logging in and out, choosing a municipality, the language switch and the
accessibility statement. The blueprint also serves est's static files (``core/static``, at ``/static``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from core.accounts.auth import credential_digest, login_session, logout_session
from core.accounts.routes import WRONG_CREDENTIALS
from core.accounts.service import caller_memberships
from core.csrf import CsrfRefused, check_form_token
from core.i18n import LANGUAGE_COOKIE as COOKIE
from core.i18n import LOCALES as LANGUAGES
from core.i18n import _
from core.ratelimit import LoginThrottled, throttled_authenticate
from core.tenancy import current_session
from core.tenants.models import Tenant
from core.web.language import REMEMBERED_FOR

CORE = Path(__file__).resolve().parent.parent
blp = Blueprint("web", __name__, static_folder=str(CORE / "static"), template_folder=str(CORE / "templates"))


def safe_next(target: str | None, default: str) -> str:
    """A redirect target from a form or query: a path on this site, else ``default``."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _login_page(error: str | None = None) -> str:
    return render_template("login.html", error=error, next=request.args.get("next", ""))


def _tenants_of_caller() -> list[tuple[str, str, str]]:
    """(slug, name, role) of each tenant the logged-in caller may open: their memberships; every tenant for a
    platform administrator."""
    db = current_session()
    if g.user.is_platform_admin:
        rows = db.execute(select(Tenant.slug, Tenant.name).order_by(Tenant.name)).all()
        return [(slug, name, "admin") for slug, name in rows]
    roles = dict(caller_memberships(db, g.user, credential_digest()))
    rows = db.execute(select(Tenant.id, Tenant.slug, Tenant.name).where(Tenant.id.in_(roles)).order_by(Tenant.name))
    return [(slug, name, roles[tenant_id]) for tenant_id, slug, name in rows]


@blp.route("/")
def index():
    """Logged in: the caller's municipality (its home), or the choice when there are several."""
    if g.get("user") is None:
        return _login_page()
    tenants = _tenants_of_caller()
    if len(tenants) == 1 and not g.user.is_platform_admin:
        return redirect(url_for("pages.home", slug=tenants[0][0]))
    return render_template("choose.html", tenants=tenants)


@blp.route("/login", methods=["GET", "POST"])
def login():
    if request.method != "POST":  # GET and HEAD
        return _login_page()
    check_form_token()
    user = throttled_authenticate(current_session(), request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        return _login_page(_(WRONG_CREDENTIALS)), 401
    current_session().commit()
    login_session(user)
    return redirect(safe_next(request.form.get("next"), url_for("web.index")))


@blp.route("/logout", methods=["POST"])
def logout():
    check_form_token()
    logout_session()
    return redirect(url_for("web.index"))


@blp.route("/sprak", methods=["POST"])
def choose_language() -> Response:
    """The language switch: remembered in a cookie for a year, back to the page it was used on."""
    check_form_token()
    chosen = request.form.get("lang")
    response = redirect(safe_next(request.form.get("next"), url_for("web.index")), 303)
    if chosen in LANGUAGES:
        response.set_cookie(
            COOKIE,
            chosen,
            max_age=REMEMBERED_FOR,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@blp.route("/tillganglighet")
def accessibility() -> str:
    """The accessibility statement Swedish public digital services must publish, with where to report a barrier."""
    return render_template("accessibility.html", contact=current_app.config["EST"].accessibility_contact)


@blp.errorhandler(CsrfRefused)
@blp.errorhandler(LoginThrottled)
def refused(error: HTTPException):
    """A form refused before it was handled: a page saying why, with the error's headers (``Retry-After``)."""
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return render_template("refused.html", message=error.description), error.code, headers
