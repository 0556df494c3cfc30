"""The distribution job: queue a published picture's messages as its tenant (idempotent: run again, it adds
nothing)."""

from __future__ import annotations

from sqlalchemy import update

from core.jobs import JobContext
from core.jobs.runner import job_app
from core.lagesbild import service as lagesbild
from core.lagesbild.models import Lagesbild
from core.publication.service import queue
from core.tenancy import current_session, current_tenant_id
from core.tenants.models import Tenant


def distribute(job: JobContext, lagesbild_id: int, site_url: str | None = None) -> dict:
    """Queue the picture's messages, if its distribution is still due. The job first claims it (clears
    ``distribute_via`` in its own transaction, which a second job for the same picture waits for and then finds
    nothing to claim), and commits the claim with the queued rows: a crash in between leaves it due. A statement,
    not the attribute: the picture's revision (its ETag) stays what its readers hold. (``site_url``: jobs queued
    before migration 0017 carried the address themselves.)"""
    session = current_session()
    tenant = session.get(Tenant, current_tenant_id())
    picture = lagesbild.get(session, lagesbild_id)
    site = picture.distribute_via or site_url
    claim = update(Lagesbild).where(Lagesbild.id == picture.id, Lagesbild.distribute_via.is_not(None))
    claimed = session.execute(claim.values(distribute_via=None)).rowcount == 1
    if picture.status != "published" or not (claimed or site_url):
        session.rollback()
        return {"queued": 0}
    added = queue(session, tenant, picture, app=job_app(), site_url=site)
    session.commit()
    return {"queued": added}
