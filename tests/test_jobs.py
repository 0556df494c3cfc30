"""Jobs: tenant passed explicitly and restored where the job runs (in-process, or on a real rq worker)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from config.settings import Settings
from core.jobs import enqueue
from core.jobs.models import Job
from core.jobs.runner import _function_path, run_job
from core.tenancy import tenant_context
from core.tenants.models import Tenant
from tests import job_functions
from tests.helpers import Api


def _tenant_id(app, slug: str) -> int:
    from core.tenancy import current_session

    with app.app_context():
        return current_session().scalar(select(Tenant.id).where(Tenant.slug == slug))


def test_a_job_runs_as_its_tenant_and_reports_progress(app, api: Api) -> None:
    api.onboard("alfa")
    api.onboard("beta")
    alfa_admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    beta_admin = api.user("admin@beta.test", tenant="beta", role="admin")
    alfa = _tenant_id(app, "alfa")
    with app.app_context():
        job_id = enqueue(job_functions.add_area, tenant=alfa, key="soder", name="Söder")
    job = api.wait_for_job(job_id, alfa_admin)
    assert job["status"] == "finished", job
    assert job["result"] == {"tenant_id": alfa, "areas": 3}
    assert job["progress"] == {"done": 2, "total": 2}
    alfa_areas = {a["key"] for a in api.get("/api/v1/tenants/alfa/areas", alfa_admin).get_json()["items"]}
    beta_areas = {a["key"] for a in api.get("/api/v1/tenants/beta/areas", beta_admin).get_json()["items"]}
    assert "soder" in alfa_areas and "soder" not in beta_areas
    # Another tenant's member cannot see the job at all.
    assert api.get(f"/api/v1/jobs/{job_id}", beta_admin).status_code == 404
    assert api.get(f"/api/v1/jobs/{job_id}").status_code == 401


def test_running_a_finished_job_again_changes_nothing(app, api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    with app.app_context():
        job_id = enqueue(job_functions.add_area, tenant=_tenant_id(app, "alfa"), key="soder", name="Söder")
    assert api.wait_for_job(job_id, admin)["status"] == "finished"
    with app.app_context():
        run_job(job_id)
    keys = [a["key"] for a in api.get("/api/v1/tenants/alfa/areas", admin).get_json()["items"]]
    assert keys.count("soder") == 1


def test_a_failing_job_is_reported_not_lost(app, api: Api, real_services: bool) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    with app.app_context():
        job_id = enqueue(job_functions.explode, tenant=_tenant_id(app, "alfa"))
    job = api.wait_for_job(job_id, admin)
    assert job["status"] == "failed" and job["error"] == "ValueError"  # the log has its type and stack, no message
    assert job["attempts"] >= 1


def test_a_job_whose_row_is_gone_when_it_fails_ends_quietly(app, api: Api) -> None:
    """Its tenant deleted while it ran, say: there is nothing left to record and nothing to run again."""
    api.onboard("alfa")
    alfa = _tenant_id(app, "alfa")
    with app.app_context(), tenant_context(alfa), app.extensions["est.sessionmaker"]() as session:
        vanish = _function_path(job_functions.vanish)
        session.add(Job(id="a-vanishing-job", tenant_id=alfa, function=vanish, arguments={}))
        session.commit()
    with app.app_context():
        assert run_job("a-vanishing-job") is None


def test_retry_delays_are_whole_seconds(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EST_JOB_RETRY_DELAYS", "1, 2 3")
    assert Settings.from_env({"instance_path": str(tmp_path)}).retry_delays == (1, 2, 3)
    monkeypatch.setenv("EST_JOB_RETRY_DELAYS", "")
    assert Settings.from_env({"instance_path": str(tmp_path)}).retry_delays == ()  # never retried
    monkeypatch.setenv("EST_JOB_RETRY_DELAYS", "5s")
    with pytest.raises(ValueError, match="EST_JOB_RETRY_DELAYS must be whole seconds"):
        Settings.from_env({"instance_path": str(tmp_path)})
