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


def distribute(job: JobContext, lagesbild_id: int) -> dict:
    session = current_session()
    tenant = session.get(Tenant, current_tenant_id())
    picture = lagesbild.get(session, lagesbild_id)
    if picture.status != "published" or picture.distribute_via is None:
        return {"queued": 0}
    added = queue(session, tenant, picture, app=job_app(), site_url=picture.distribute_via)
    # Done, in the transaction that queued the messages. A statement, not the attribute: the picture's revision
    # (its ETag) stays what its readers hold.
    session.execute(update(Lagesbild).where(Lagesbild.id == picture.id).values(distribute_via=None))
    session.commit()
    return {"queued": added}
