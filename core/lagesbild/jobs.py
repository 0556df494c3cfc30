"""Compilation runs as a job (tenant passed explicitly; in-process without Redis)."""

from __future__ import annotations

from typing import Any

from core.cycles import service as cycles
from core.jobs import JobContext
from core.lagesbild import service
from core.tenancy import current_session, current_tenant_id
from core.tenants.models import Tenant


def _tenant() -> Tenant:
    return current_session().get(Tenant, current_tenant_id())


def compile_cycle_step(job: JobContext, cycle_id: int, step: str, user_id: int | None) -> dict[str, Any]:
    """Compile one step of a cycle's plan. Re-running it recompiles the same unpublished picture in place."""
    session, tenant = current_session(), _tenant()
    cycle = cycles.get(session, cycle_id)
    plan = {s.key: s for s in cycles.plan(session, tenant, cycle)}
    job.progress(0, 1)
    picture = service.compile_step(session, tenant, cycle, plan[step], user_id)
    job.progress(1, 1)
    return {"lagesbild": picture.id, "version": picture.version, "total": picture.statistics["total"]}


def compile_period(job: JobContext, kind: str, label: str, area_id: int | None, user_id: int | None) -> dict[str, Any]:
    """Compile a monthly, quarterly, tertial or annual picture."""
    job.progress(0, 1)
    picture = service.compile_long(current_session(), _tenant(), kind, label, area_id, user_id)
    job.progress(1, 1)
    return {"lagesbild": picture.id, "version": picture.version, "total": picture.statistics["total"]}
