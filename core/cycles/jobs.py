"""Scheduled cycle work: ``tick`` (every few minutes, from ``est cron`` or ``est cycles tick``) enqueues one
``housekeeping`` job per tenant, with the tenant passed explicitly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from core.cycles import service
from core.db import new_session, utcnow
from core.jobs import JobContext, enqueue, runner
from core.mail.delivery import has_due
from core.mail.trigger import request_delivery
from core.publication import trigger as publication
from core.tenancy import current_session, current_tenant_id, platform_scope
from core.tenants.models import Tenant

TICK_SECONDS = 300


def housekeeping(job: JobContext, now: str | None = None) -> dict[str, Any]:
    """Open this and last period's cycles, move those past their deadline to compiling, send reminders; queue the
    distributions of published pictures that were never queued; then have the outbox rows that are due again
    (retries, leases of dead senders) delivered."""
    moment = datetime.fromisoformat(now) if now else utcnow()
    session = current_session()
    result = service.housekeeping(session, session.get(Tenant, current_tenant_id()), moment)
    session.commit()
    result["distributions_requeued"] = publication.sweep(session, moment)
    if has_due(session):
        request_delivery(current_tenant_id())
    return result


def tick(now: str | None = None) -> list[str]:
    """For every tenant, enqueue its housekeeping job. Platform level: reads only the tenant registry."""
    app: Flask = runner.job_app()
    with app.app_context():
        with new_session() as session, platform_scope("the scheduler visits every tenant"):
            tenant_ids = list(session.scalars(select(Tenant.id).order_by(Tenant.id)))
        return [enqueue(housekeeping, tenant=tenant_id, now=now) for tenant_id in tenant_ids]
