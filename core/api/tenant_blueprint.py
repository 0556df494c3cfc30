"""Blueprints for tenant-level resources: ``/api/v1/tenants/<slug>/<resource>``.

The slug is taken off the URL before the view runs; the tenant is loaded, bound as the tenant of this request
(the tenancy wall scopes everything after that), and the caller's membership is looked up. An unknown slug is
a 404 — after the 401 for anonymous callers, like a tenant one is not a member of.
"""

from __future__ import annotations

from typing import ClassVar

from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select

from core.accounts.models import Membership
from core.api import API_PREFIX
from core.tenancy import bind_request_tenant, current_session, reset_request_tenant


class TenantBlueprint(Blueprint):
    """ETag-guarded views check ``If-Match`` on POST too: workflow actions (publish, transitions) are POSTs on
    an object, and a stale one must be refused like a stale PUT (412; 428 without ``If-Match``)."""

    METHODS_NEEDING_CHECK_ETAG: ClassVar[list[str]] = ["PUT", "PATCH", "DELETE", "POST"]


def tenant_blueprint(name: str, resource: str, description: str) -> Blueprint:
    blp = TenantBlueprint(
        name,
        __name__,
        url_prefix=f"{API_PREFIX}/tenants/<slug>/{resource}",
        description=description,
    )

    @blp.url_value_preprocessor
    def _bind_tenant(_endpoint: str | None, values: dict | None) -> None:
        slug = (values or {}).pop("slug", None)
        # An unknown slug is answered by the access rule (401 before 404), so that anonymous callers cannot
        # tell which tenants exist; with no tenant bound, any query of tenant rows fails closed.
        g.tenant, token = bind_request_tenant(current_session(), slug)
        if token is not None:
            g.tenant_token = token

    @blp.teardown_request
    def _unbind_tenant(_exc: BaseException | None) -> None:
        token = g.pop("tenant_token", None)
        if token is not None:
            reset_request_tenant(token)

    @blp.before_request
    def _load_membership() -> None:
        if "membership" in g:  # loaded with the token's user (see core.accounts.auth)
            return
        user = g.get("user")
        g.membership = (
            None if user is None else current_session().scalar(select(Membership).where(Membership.user_id == user.id))
        )

    return blp
