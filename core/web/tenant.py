"""The tenant's pages, ``/t/<slug>/…``: bound to the tenant like the API's tenant-level views (the same binding,
so the tenancy wall scopes every query), open to its members and to platform administrators.

Anyone else — another tenant's member, an unknown slug, another tenant's object id — gets the same 404 page, so
nothing tells whether a tenant or an object exists. A visitor who is not logged in is sent to the login first.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HttpNotFound

from core.accounts.actor import current_actor
from core.api.tenant_blueprint import bind_tenant, load_membership, unbind_tenant
from core.csrf import CsrfRefused
from core.errors import NotFound
from core.i18n import _

blp = Blueprint("pages", __name__, url_prefix="/t/<slug>")


class PageNotFound(HttpNotFound):
    pass


@blp.url_value_preprocessor
def _bind(_endpoint: str | None, values: dict | None) -> None:
    g.slug = (values or {}).pop("slug", None)
    bind_tenant(g.slug)


@blp.url_defaults
def _slug_of_this_tenant(_endpoint: str, values: dict) -> None:
    if "slug" not in values and g.get("tenant") is not None:
        values["slug"] = g.tenant.slug


blp.teardown_request(unbind_tenant)
blp.before_request(load_membership)


@blp.before_request
def _members_only():
    if g.get("user") is None:
        return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
    if g.get("tenant") is None or (g.get("membership") is None and not g.user.is_platform_admin):
        raise PageNotFound()
    g.member_page = True
    return None


@blp.errorhandler(PageNotFound)
@blp.errorhandler(NotFound)
def not_found(_error: Exception):
    return render_template("not_found.html"), 404


@blp.errorhandler(CsrfRefused)
def refused(error: HTTPException):
    return render_template("refused.html", message=error.description), error.code


@blp.context_processor
def _tenant_in_templates() -> dict:
    """The tenant's name, the caller's role and whether they work for others (coordinators: the menu links the
    report list), on the pages of its members only (never on the 404 page)."""
    if not g.get("member_page"):
        return {}
    actor = current_actor()
    return {"tenant": g.tenant, "role_name": _(actor.role.value), "coordinating": actor.may_act_for_others}
