"""When a picture is distributed: once the transaction that published it has committed (never for one that
rolled back), as a job, so that rendering it holds up neither the publishing transaction nor its lock."""

from __future__ import annotations

import logging

from flask import has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.redacted_log import redacted_trace

log = logging.getLogger(__name__)
PENDING = "est.publications"
FALLBACK_SITE = "http://localhost/"


def distribute_after_commit(session: Session, tenant_id: int, picture_id: int) -> None:
    """Note the picture on ``session``: its distribution is enqueued when ``session`` commits. The site's address
    (for the opt-out links) is the request's, as the publisher reached est."""
    site_url = request.host_url if has_request_context() else FALLBACK_SITE
    session.info.setdefault(PENDING, []).append((tenant_id, picture_id, site_url))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


@event.listens_for(Session, "after_commit")
def _enqueue(session: Session) -> None:
    pending = session.info.pop(PENDING, ())
    if not pending or not has_app_context():
        return
    from core.jobs import enqueue
    from core.publication.jobs import distribute

    for tenant_id, picture_id, site_url in pending:
        try:
            enqueue(distribute, tenant=tenant_id, lagesbild_id=picture_id, site_url=site_url)
        except Exception as error:  # published is published: the failure is logged, and queuing again is safe
            log.error("could not enqueue the distribution of lägesbild %s\n%s", picture_id, redacted_trace(error))
