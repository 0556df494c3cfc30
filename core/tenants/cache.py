"""What requests need of a tenant, kept in memory per process while the tenant is unchanged.

A tenant's **stamp** is its id, its creation time (ids can be reused after a deletion) and its ``revision``, which
the database bumps on every change to the tenant's row, its memberships and what reporting checks against
(triggers, migration 0005). Every request reads its tenant's stamp — in the statement that binds the tenant — and
takes the rest from a :class:`StampedCache` while the stamp is unchanged: the tenant's row (here), its catalogue
(``core.reports.catalogue``) and its memberships (``core.accounts.member_cache``).

Rows handed out are fresh instances attached to the request's Session as if loaded by a query
(``core.db.attach``): changing one is an ordinary UPDATE, and nothing a request does to it reaches the cache or
another request (JSON values are kept as text and decoded for each instance).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from datetime import datetime
from threading import Lock
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON
from sqlalchemy.orm import Session

from core.db import attach, column_values
from core.tenancy import has_written
from core.tenants.models import Tenant

V = TypeVar("V")
Stamp = tuple[int, datetime, int]


def stamp_of(tenant: Tenant) -> Stamp:
    """The tenant's stamp as this instance holds it (see the module docstring)."""
    return tenant.id, tenant.created_at, tenant.revision


class StampedCache(Generic[V]):
    """One value per tenant, valid while the tenant's stamp is the one it was loaded at."""

    def __init__(self, limit: int = 1024) -> None:
        self._entries: dict[int, tuple[Hashable, V]] = {}
        self._limit = limit
        self._lock = Lock()

    def get(self, session: Session, tenant_id: int, stamp: Hashable, load: Callable[[], tuple[Hashable, V]]) -> V:
        """The value at ``stamp``; else ``load()`` gives (the stamp it is valid at, the value). A Session that has
        written may hold an older stamp and sees its own uncommitted rows: it always loads, and keeps nothing."""
        if has_written(session):
            return load()[1]
        entry = self._entries.get(tenant_id)
        if entry is not None and entry[0] == stamp:
            return entry[1]
        loaded = load()
        with self._lock:
            if len(self._entries) >= self._limit:
                self._entries.clear()
            self._entries[tenant_id] = loaded
        return loaded[1]


_JSON = frozenset(column.key for column in Tenant.__table__.columns if isinstance(column.type, JSON))
_rows: StampedCache[dict[str, Any]] = StampedCache()


def tenant_at(session: Session, tenant_id: int, created_at: datetime, revision: int) -> Tenant:
    """The tenant ``tenant_id`` as of ``(created_at, revision)``, in ``session``: from memory, or loaded."""

    def load() -> tuple[Stamp, dict[str, Any]]:
        tenant = session.get(Tenant, tenant_id)
        if tenant is None:
            raise LookupError(f"tenant {tenant_id} is gone")
        values = {key: json.dumps(value) if key in _JSON else value for key, value in column_values(tenant).items()}
        return stamp_of(tenant), values

    values = _rows.get(session, tenant_id, (tenant_id, created_at, revision), load)
    return attach(session, Tenant, {key: json.loads(value) if key in _JSON else value for key, value in values.items()})
