"""Blueprints for tenant-level resources: ``/api/v1/tenants/<slug>/<resource>``.

The slug is taken off the URL before the view runs; the tenant is found, bound as the tenant of this request (the
tenancy wall scopes everything after that) and, with a Bearer token, the caller authenticated — one statement —
and the caller's membership is looked up (in memory: ``core.accounts.member_cache``). An unknown slug is a 404 —
after the 401 for anonymous callers, like a tenant one is not a member of.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

from flask import g
from flask_smorest import Blueprint
from sqlalchemy import Select

from core.accounts.auth import bearer_token
from core.accounts.member_cache import membership_of
from core.accounts.service import token_parameters, user_from, with_token_user
from core.api import API_PREFIX
from core.tenancy import current_session, enter_request_tenant, reset_request_tenant, sets_tenant_itself, tenant_stamp


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

    blp.url_value_preprocessor(lambda _endpoint, values: bind_tenant((values or {}).pop("slug", None)))
    blp.teardown_request(unbind_tenant)
    blp.before_request(load_membership)
    return blp


def bind_tenant(slug: str | None) -> None:
    """Bind the tenant of ``slug`` for this request (``g.tenant``, ``None`` for an unknown slug) and, with a Bearer
    token, find the token's user in the same statement. For the API's tenant-level views and the tenant's pages."""
    session = current_session()
    token = bearer_token()
    setting_it = sets_tenant_itself(session)
    parameters = {"slug": slug, **(token_parameters(token) if token else {})}
    dialect = session.get_bind().dialect.name
    row = session.connection().execute(_binding(dialect, setting_it, token is not None), parameters).first()
    if token is not None and row is not None:
        # Authenticated in the same statement; the digest is kept for the request (core.accounts.auth).
        g.token_user = user_from(session, row, prefix="user_"), parameters["digest"]
    # An unknown slug is answered by the access rule (401 before 404), so that anonymous callers cannot
    # tell which tenants exist; with no tenant bound, any query of tenant rows fails closed.
    g.tenant, tenant_token = enter_request_tenant(session, row, setting_it)
    if tenant_token is not None:
        g.tenant_token = tenant_token


def unbind_tenant(_exc: BaseException | None) -> None:
    token = g.pop("tenant_token", None)
    if token is not None:
        reset_request_tenant(token)


def load_membership() -> None:
    """The caller's membership of the bound tenant (``g.membership``), found in memory."""
    user, tenant = g.get("user"), g.get("tenant")
    g.membership = None if user is None or tenant is None else membership_of(current_session(), tenant, user.id)


@cache
def _binding(dialect: str, setting_it: bool, with_user: bool) -> Select:
    """The one statement that starts a tenant-level request: the tenant's stamp (on PostgreSQL also setting
    ``est.tenant_id``) and, for a Bearer token, the token's user."""
    statement = tenant_stamp(setting_it)
    return with_token_user(statement, dialect) if with_user else statement
