"""The reporters' one-click opt-out page, ``/t/<slug>/avregistrera/<token>``: no login, the signed token is the
only credential (see ``core.publication.optout``).

GET shows a confirmation button (mail scanners follow links: a GET never records anything); POST records the
opt-out — from that button, or straight from a mail program's RFC 8058 one-click POST
(``List-Unsubscribe=One-Click``), which carries no CSRF token. The form still carries one, like every form, but it
is not checked: whoever holds the token may use it, and the token is all a forged request could use. A tampered
token, another tenant's, or one of a membership that is gone changes nothing and says so (404).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template

from core.api.tenant_blueprint import bind_tenant, unbind_tenant
from core.publication.optout import membership_of, opt_out, opted_out
from core.tenancy import current_session

blp = Blueprint("opt_out", __name__, url_prefix="/t/<slug>/avregistrera")


@blp.url_value_preprocessor
def _bind(_endpoint: str | None, values: dict | None) -> None:
    bind_tenant((values or {}).pop("slug", None))


blp.teardown_request(unbind_tenant)


def _membership(token: str):
    tenant = g.get("tenant")
    if tenant is None:
        return None
    return membership_of(current_session(), current_app.config["EST"].secret_key, tenant.id, token)


@blp.route("/<token>", methods=["GET"])
def confirm(token: str):
    membership = _membership(token)
    if membership is None:
        return render_template("opt_out.html", state="invalid"), 404
    state = "done" if opted_out(current_session(), [membership.id]) else "confirm"
    return render_template("opt_out.html", state=state, token=token)


@blp.route("/<token>", methods=["POST"])
def record(token: str):
    membership = _membership(token)
    if membership is None:
        return render_template("opt_out.html", state="invalid"), 404
    opt_out(current_session(), membership)
    return render_template("opt_out.html", state="done")
