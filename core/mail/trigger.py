"""When delivery starts: after a commit that queued outbox rows, and from the housekeeping sweep."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.db import app_session, new_session
from core.jobs import enqueue
from core.mail.delivery import deliver, has_due
from core.notifications.models import OutboxMessage
from core.redacted_log import redacted_trace
from core.tenancy import platform_scope, tenant_context
from core.tenants.models import Tenant

log = logging.getLogger(__name__)
QUEUED = "est.outbox_tenants"


def install() -> None:
    """Listen for commits that queued outbox rows (once per process; called by ``create_app``)."""
    for name, listener in (("after_flush", _note_queued), ("after_rollback", _forget_queued),
                           ("after_commit", _deliver_queued)):  # fmt: skip
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _note_queued(session: Session, _context: object) -> None:
    tenants = {row.tenant_id for row in session.new if isinstance(row, OutboxMessage)}
    if tenants:
        session.info.setdefault(QUEUED, set()).update(tenants)


def note_queued(session: Session, tenant_id: int) -> None:
    """Deliver for ``tenant_id`` after ``session`` commits: for rows queued with a Core INSERT (no ORM object to
    notice)."""
    session.info.setdefault(QUEUED, set()).add(tenant_id)


def _forget_queued(session: Session) -> None:
    session.info.pop(QUEUED, None)


def _deliver_queued(session: Session) -> None:
    for tenant_id in sorted(session.info.pop(QUEUED, ())):
        request_delivery(tenant_id)


def request_delivery(tenant_id: int) -> None:
    """Enqueue the tenant's delivery job: on rq when Redis is configured, else run in-process at once. A failure to
    enqueue is logged and left to the sweep: the rows stay queued."""
    if not has_app_context():
        return
    try:
        enqueue(deliver, tenant=tenant_id)
    except Exception as error:
        log.error("could not enqueue the delivery of tenant %s\n%s", tenant_id, redacted_trace(error))


def sweep(app: Flask, now: datetime | None = None) -> list[int]:
    """Enqueue delivery for every tenant with rows due (retries, expired leases); returns those tenants' ids."""
    with app.app_context():
        with new_session() as session, platform_scope("the delivery sweep visits every tenant"):
            tenant_ids = list(session.scalars(select(Tenant.id).order_by(Tenant.id)))
    swept = []
    for tenant_id in tenant_ids:
        with tenant_context(tenant_id), app.app_context():
            if has_due(app_session(), now):
                swept.append(tenant_id)
    with app.app_context():
        for tenant_id in swept:
            request_delivery(tenant_id)
    return swept
