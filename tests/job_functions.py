"""Job functions used by the tests (importable by a real rq worker started from the repository root)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from core.jobs import JobContext
from core.organisation.models import Area
from core.tenancy import current_session, current_tenant_id


def add_area(context: JobContext, key: str, name: str) -> dict:
    """Adds an area to the job's tenant; idempotent by key."""
    db = current_session()
    context.progress(0, 2)
    if db.scalar(select(Area).where(Area.key == key)) is None:
        db.add(Area(key=key, name=name))
        db.flush()
    context.progress(1, 2)
    count = len(db.scalars(select(Area)).all())
    context.progress(2, 2)
    return {"tenant_id": current_tenant_id(), "areas": count}


def explode(context: JobContext) -> None:
    raise ValueError("avsiktligt fel")


def refuse(context: JobContext) -> None:
    from core.errors import DomainError

    raise DomainError("Filen kan inte läsas.")


def compile_step_recorded(context: JobContext, record_to: str, **arguments) -> dict:
    """The compile job, with the lifecycle recorder installed in the process that runs it (a real worker has only
    the plugins installed when it started) and writing what it hears to the file ``record_to``."""
    from core.lagesbild.jobs import compile_cycle_step
    from tests.plugins import lifecycle_recorder

    plugins = current_app.extensions["est.plugins"]
    if not plugins.is_registered(lifecycle_recorder):
        plugins.register(lifecycle_recorder)
    lifecycle_recorder.record_to = record_to
    return compile_cycle_step(context, **arguments)


def vanish(context: JobContext) -> None:
    """Deletes its own job's row (as deleting the tenant would) and then fails."""
    from sqlalchemy import delete

    from core.jobs.models import Job

    db = current_session()
    db.execute(delete(Job).where(Job.id == context.job_id))
    db.commit()
    raise ValueError("avsiktligt fel")
