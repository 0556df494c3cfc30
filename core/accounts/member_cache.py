"""A tenant's memberships, kept in memory per process while the tenant's stamp is unchanged (a trigger bumps its
revision on every change to a membership; see ``core.tenants.cache``): finding the caller's role in the tenant
costs no query.

The caller's membership is only read (role, organisation, function: access rules and ``Actor``), so it is handed out
as a snapshot, not put into the request's Session: adding an object to a Session costs about as much as the rest
of finding it. Code that changes a membership loads it with a query, as ever."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.models import Membership
from core.db import column_values, filled
from core.tenancy import assert_scope
from core.tenants.cache import StampedCache, stamp_of
from core.tenants.models import Tenant

_memberships: StampedCache[dict[int, dict[str, Any]]] = StampedCache()


def membership_of(session: Session, tenant: Tenant, user_id: int) -> Membership | None:
    """A snapshot of the user's membership of ``tenant`` (read in ``session``, in the tenant's scope; not attached
    to it)."""
    stamp = stamp_of(tenant)

    def load() -> tuple[Any, dict[int, dict[str, Any]]]:
        assert_scope(tenant.id)
        rows = session.scalars(select(Membership)).all()
        return stamp, {row.user_id: column_values(row) for row in rows}

    values = _memberships.get(session, tenant.id, stamp, load).get(user_id)
    return None if values is None else filled(Membership, values)
