"""``/api/v1/jobs/<id>``: status and progress of a job."""

from __future__ import annotations

import marshmallow as ma
from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select

from core.accounts.models import Membership, Role
from core.api import API_PREFIX
from core.api.access import authenticated
from core.api.fields import Integer
from core.errors import NotFound
from core.i18n import _
from core.jobs.models import Job
from core.jobs.runner import job_tenant
from core.tenancy import current_session, tenant_context

blp = Blueprint("jobs", __name__, url_prefix=f"{API_PREFIX}/jobs", description="Long-running work")


class JobSchema(ma.Schema):
    id = ma.fields.String()
    status = ma.fields.String(metadata={"description": "queued | started | finished | failed"})
    function = ma.fields.String()
    progress = ma.fields.Method("_progress", metadata={"description": "{done, total}"})
    result = ma.fields.Raw(allow_none=True)
    error = ma.fields.String(allow_none=True)
    attempts = Integer()
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)

    def _progress(self, job: Job) -> dict:
        return {"done": job.done, "total": job.total}


def _may_see(job: Job) -> bool:
    """Platform admins, the job's creator, and coordinators or admins of the job's tenant."""
    if g.user.is_platform_admin or job.created_by == g.user.id:
        return True
    if job.tenant_id is None:
        return False
    db = current_session()
    with tenant_context(job.tenant_id, db):
        role = db.scalar(select(Membership.role).where(Membership.user_id == g.user.id))
    return role is not None and Role(role).rank >= Role.COORDINATOR.rank


@blp.route("/<job_id>", methods=["GET"])
@authenticated
@blp.response(200, JobSchema)
def get_job(job_id: str):
    """A job's status, progress and result (404 for jobs of tenants the caller cannot see)."""
    db = current_session()
    owner = job_tenant(db, job_id)
    if owner is None:
        raise NotFound(_("Not found."))
    with tenant_context(owner[0], db):
        job = db.get(Job, job_id)
    if job is None or not _may_see(job):
        raise NotFound(_("Not found."))
    return job
