"""When a picture is distributed: once the transaction that published it has committed (never for one that
rolled back), as a job, so that rendering it holds up neither the publishing transaction nor its lock. The
picture itself says that its distribution is due (``distribute_via``), so a job that was never queued is queued
by the housekeeping sweep (:func:`sweep`)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import has_app_context, has_request_context, request
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from core.lagesbild.models import Lagesbild
from core.redacted_log import redacted_trace
from core.tenancy import current_tenant_id

log = logging.getLogger(__name__)
PENDING = "est.publications"
FALLBACK_SITE = "http://localhost/"
# How long after publishing a due distribution counts as lost (the job queued at the commit runs well before); how
# long the sweep keeps trying; how many pictures one sweep queues (the oldest first, the rest at the next).
GRACE = timedelta(minutes=10)
GIVE_UP = timedelta(days=7)
SWEEP_MAX = 20
SITE_URL_MAX = 300  # the column's length


def distribute_after_commit(session: Session, picture: Lagesbild) -> None:
    """Mark the picture's distribution as due and enqueue it when ``session`` commits. The site's address (for
    the opt-out links) is the request's, as the publisher reached est."""
    site = request.host_url if has_request_context() else FALLBACK_SITE
    picture.distribute_via = site if len(site) <= SITE_URL_MAX else FALLBACK_SITE
    session.info.setdefault(PENDING, []).append((picture.tenant_id, picture.id))


def sweep(session: Session, now: datetime) -> int:
    """Enqueue the distribution of the tenant's pictures whose distribution is still due :data:`GRACE` after
    publishing (and at most :data:`GIVE_UP` after); how many. Each is tried again only after as long as it has
    waited so far, so one that keeps failing costs ever less. Commits."""
    due = (
        select(Lagesbild.id, Lagesbild.published_at)
        .where(
            Lagesbild.status == "published",
            Lagesbild.distribute_via.is_not(None),
            Lagesbild.published_at.between(now - GIVE_UP, now - GRACE),
            or_(Lagesbild.distribution_retry_at.is_(None), Lagesbild.distribution_retry_at <= now),
        )
        .order_by(Lagesbild.published_at)
        .limit(SWEEP_MAX)
    )
    found = session.execute(due).all()
    for picture_id, published_at in found:
        later = update(Lagesbild).where(Lagesbild.id == picture_id)
        session.execute(later.values(distribution_retry_at=now + (now - published_at)))  # no revision bump
    session.commit()
    for picture_id, _published_at in found:
        _enqueue_one(current_tenant_id(), picture_id)
    return len(found)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


@event.listens_for(Session, "after_commit")
def _enqueue(session: Session) -> None:
    pending = session.info.pop(PENDING, ())
    if not pending or not has_app_context():
        return
    for tenant_id, picture_id in pending:
        _enqueue_one(tenant_id, picture_id)


def _enqueue_one(tenant_id: int, picture_id: int) -> None:
    from core.jobs import enqueue
    from core.publication.jobs import distribute

    try:
        enqueue(distribute, tenant=tenant_id, lagesbild_id=picture_id)
    except Exception as error:  # published is published: logged, and the sweep queues it again
        log.error("could not enqueue the distribution of lägesbild %s\n%s", picture_id, redacted_trace(error))
