"""``/api/v1/tenants``: the tenants a caller may see, and onboarding by API."""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint
from sqlalchemy import select

from core.accounts.auth import credential_digest
from core.accounts.service import caller_memberships
from core.api import API_PREFIX
from core.api.access import authenticated, platform_admin
from core.api.pagination import PageArgs, page_of, paginate
from core.errors import Conflict, NotFound
from core.i18n import _
from core.tenancy import current_session
from core.tenants import onboarding
from core.tenants.models import Tenant
from core.tenants.schemas import TenantSchema, TenantSpecSchema

blp = Blueprint("tenants", __name__, url_prefix=f"{API_PREFIX}/tenants", description="Tenants and onboarding")


def _visible_tenants():
    """Platform admins see every tenant; others the tenants they are members of."""
    statement = select(Tenant).order_by(Tenant.slug)
    if g.user.is_platform_admin:
        return statement
    own = [tenant_id for tenant_id, _ in caller_memberships(current_session(), g.user, credential_digest())]
    return statement.where(Tenant.id.in_(own))


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(TenantSchema))
def list_tenants(args: dict):
    """Tenants: all of them for platform admins, one's own for everybody else."""
    return paginate(_visible_tenants(), args)


@blp.route("", methods=["POST"])
@platform_admin
@blp.arguments(TenantSpecSchema, description="The same document as a tenants/*.toml file")
@blp.response(201, TenantSchema)
def onboard_tenant(_document: dict):
    """Onboard a municipality: validated exactly like ``est tenants sync``; nothing is half-created."""
    db = current_session()
    spec = onboarding.validate(request.get_json(), current_app.extensions["est.plugins"])
    if db.scalar(select(Tenant.id).where(Tenant.slug == spec["slug"])) is not None:
        raise Conflict(
            _("There is a tenant '{slug}' already.", slug=spec["slug"]), {"slug": [_("Taken.")]}, code="tenant.exists"
        )
    tenant, _created = onboarding.apply(db, spec, current_app.extensions["est.plugins"])
    db.commit()
    return tenant


@blp.route("/<slug>", methods=["GET"])
@authenticated
@blp.response(200, TenantSchema)
def get_tenant(slug: str):
    """One tenant, if the caller may see it (else 404)."""
    tenant = current_session().scalar(_visible_tenants().where(Tenant.slug == slug))
    if tenant is None:
        raise NotFound(_("Not found."))
    return tenant
