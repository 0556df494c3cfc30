"""Tenant rows kept in memory per process: every request needs its tenant's row, which rarely changes.

A request reads only its tenant's stamp — id, creation time (ids can be reused after a deletion) and ``revision``,
which the database bumps on every change to the row (migration 0005) — and gets the row from here while the stamp
is unchanged. The Tenant handed out is a fresh instance attached to the request's Session as if loaded by a query:
changing it is an ordinary UPDATE, and nothing a request does to it reaches the cache or another request (JSON
values are kept as text and decoded for each instance).
"""

from __future__ import annotations

import json
from datetime import datetime
from threading import Lock
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.orm import Session

from core.db import attach
from core.tenants.models import Tenant

CACHED_TENANTS = 1024
_COLUMNS = tuple(column.key for column in Tenant.__table__.columns)
_JSON = frozenset(column.key for column in Tenant.__table__.columns if isinstance(column.type, JSON))
_rows: dict[int, tuple[tuple[datetime, int], dict[str, Any]]] = {}
_lock = Lock()


def tenant_at(session: Session, tenant_id: int, created_at: datetime, revision: int) -> Tenant:
    """The tenant ``tenant_id`` as of ``(created_at, revision)``, in ``session``: from memory, or loaded."""
    cached = _rows.get(tenant_id)
    if cached is not None and cached[0] == (created_at, revision):
        values = {key: json.loads(value) if key in _JSON else value for key, value in cached[1].items()}
        return attach(session, Tenant, values)
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError(f"tenant {tenant_id} is gone")
    values = {key: json.dumps(getattr(tenant, key)) if key in _JSON else getattr(tenant, key) for key in _COLUMNS}
    with _lock:
        if len(_rows) >= CACHED_TENANTS:
            _rows.clear()
        _rows[tenant_id] = ((tenant.created_at, tenant.revision), values)
    return tenant
