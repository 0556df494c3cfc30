"""Import jobs: off the request thread on the embedded default, never stalling another tenant, and the upload gone
however the job ends (finished, refused, failed, or left behind by a dead process)."""

from __future__ import annotations

import io
import subprocess
import threading
import time
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import select

from core.jobs import runner
from core.jobs.models import Job
from core.reports import importer
from core.reports.models import ReportImport
from core.tenancy import current_session, tenant_context
from tests.helpers import Api, owner_connection
from tests.test_import import _csv, _rows, _upload
from tests.test_jobs import _tenant_id

REPORT = {
    "item": "skadegorelse",
    "occurred_at": "2026-11-24T22:15:00+01:00",
    "severity": 2,
    "place": {"text": "Storgatan 1"},
}


def _start_upload(api: Api, token: str, data: bytes) -> dict:
    response = api.post(
        "/api/v1/tenants/alfa/reports/import",
        token,
        data={"file": (io.BytesIO(data), "rapporter.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def test_another_tenant_is_served_while_an_import_runs(api: Api, monkeypatch, real_services: bool) -> None:
    if real_services:
        pytest.skip("on the real leg imports run on the rq worker, another process")
    api.onboard("alfa")
    api.onboard("beta")
    alfa = api.user("admin@alfa.test", tenant="alfa", role="admin")
    beta = api.user("admin@beta.test", tenant="beta", role="admin")
    checking, release = threading.Event(), threading.Event()
    check_row = importer._check_row

    def held(*args, **kwargs):  # the import holds after its first row until beta has been served
        checking.set()
        release.wait(10)
        return check_row(*args, **kwargs)

    monkeypatch.setattr(importer, "_check_row", held)
    job = _start_upload(api, alfa, _csv(_rows(20)))
    assert job["status"] in ("queued", "started")  # the upload answered before the import ran
    assert checking.wait(10), "the import job never started"

    started = time.monotonic()
    area = api.get("/api/v1/tenants/beta/areas", beta).get_json()["items"][0]["id"]
    created = api.post("/api/v1/tenants/beta/reports", beta, json={**REPORT, "area": area})
    listed = api.get("/api/v1/tenants/beta/reports", beta)
    elapsed = time.monotonic() - started
    assert created.status_code == 201 and listed.get_json()["total"] == 1
    assert api.get(f"/api/v1/jobs/{job['id']}", alfa).get_json()["status"] == "started"  # still running
    assert api.get(f"/api/v1/jobs/{job['id']}", beta).status_code == 404  # and not beta's to see
    assert elapsed < 2

    release.set()
    done = api.wait_for_job(job["id"], alfa)
    assert done["status"] == "finished" and done["result"]["imported"] == 20


def _uploads(app, tenant: int) -> dict[int, bytes]:
    with app.app_context(), tenant_context(tenant):
        return dict(current_session().execute(select(ReportImport.id, ReportImport.data)).all())


def test_a_finished_or_refused_import_keeps_no_upload(app, api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    assert _upload(api, admin, _csv(_rows(3)), "ok.csv")["result"]["imported"] == 3
    assert _upload(api, admin, _csv(_rows(3, bad_row=2)), "fel.csv")["result"]["error_count"] == 1
    assert set(_uploads(app, _tenant_id(app, "alfa")).values()) == {b""}


def _recorded(app, tenant: int, function: str, owner: str | None, status: str, **arguments) -> str:
    job_id = str(uuid.uuid4())
    with app.app_context(), tenant_context(tenant):
        db = current_session()
        db.add(Job(id=job_id, tenant_id=tenant, function=function, arguments=arguments, status=status, owner=owner))
        db.commit()
    return job_id


def _stored_upload(app, tenant: int) -> int:
    with app.app_context(), tenant_context(tenant):
        db = current_session()
        upload = ReportImport(filename="gammal.csv", format="csv", data=_csv(_rows(3)))
        db.add(upload)
        db.commit()
        return upload.id


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_jobs_left_by_a_dead_process_are_failed_at_start_up_and_their_uploads_deleted(app, api: Api) -> None:
    api.onboard("alfa")
    api.onboard("beta")
    alfa, beta = _tenant_id(app, "alfa"), _tenant_id(app, "beta")
    path = "core.reports.importer:run_import"
    dead = f"{runner.socket.gethostname()}:{_dead_pid()}"
    alive = f"{runner.socket.gethostname()}:{runner.os.getpid()}"
    lost_a, lost_b, kept = _stored_upload(app, alfa), _stored_upload(app, beta), _stored_upload(app, alfa)
    crashed = _recorded(app, alfa, path, dead, "started", import_id=lost_a)
    waiting = _recorded(app, beta, path, dead, "queued", import_id=lost_b)
    running = _recorded(app, alfa, path, alive, "started", import_id=kept)
    on_rq = _recorded(app, alfa, path, None, "queued", import_id=kept)

    assert sorted(runner.fail_abandoned(app)) == sorted([crashed, waiting])

    with owner_connection(app) as connection:
        status = {job.id: (job.status, job.error) for job in connection.execute(select(Job.id, Job.status, Job.error))}
    assert status[crashed][0] == status[waiting][0] == "failed" and "Avbrutet" in status[crashed][1]
    assert status[running][0] == "started" and status[on_rq][0] == "queued"
    assert _uploads(app, alfa) == {lost_a: b"", kept: _csv(_rows(3))}
    assert _uploads(app, beta) == {lost_b: b""}
    assert runner.fail_abandoned(app) == []


def test_the_upload_is_deleted_when_the_import_fails_for_good(app, api: Api, monkeypatch) -> None:
    api.onboard("alfa")
    alfa = _tenant_id(app, "alfa")
    monkeypatch.setitem(app.config, "EST", replace(app.config["EST"], redis_url=""))

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(importer, "_insert", broken)
    upload = _stored_upload(app, alfa)
    job_id = _recorded(app, alfa, "core.reports.importer:run_import", None, "queued", import_id=upload)
    with app.app_context():
        runner.run_job(job_id)
    with app.app_context(), tenant_context(alfa):
        job = current_session().get(Job, job_id)
        assert (job.status, job.error) == ("failed", "RuntimeError")
    assert _uploads(app, alfa) == {upload: b""}


def test_a_deterministic_failure_is_not_retried_an_unexpected_one_is_until_the_last_attempt(
    app, api: Api, monkeypatch
) -> None:
    api.onboard("alfa")
    alfa = _tenant_id(app, "alfa")
    # The worker's own setting would allow three more attempts; the job was queued with one (rq's budget, set by
    # the process that queued it): that one decides which attempt is the last.
    worker = replace(app.config["EST"], redis_url="redis://as-on-a-worker", job_retry_delays="5 30 60")
    monkeypatch.setitem(app.config, "EST", worker)
    retries = 1
    refused = _recorded(app, alfa, "tests.job_functions:refuse", None, "queued")
    exploding = _recorded(app, alfa, "tests.job_functions:explode", None, "queued")
    with app.app_context(), tenant_context(alfa):
        assert runner.run_job(refused, retries) is None  # returned: rq does not retry
        for _ in range(retries):
            with pytest.raises(ValueError):  # raised: rq retries
                runner.run_job(exploding, retries)
            retry = current_session().get(Job, exploding)
            assert (retry.status, retry.owner) == ("queued", None)  # a start-up sweep leaves it to rq
        assert runner.run_job(exploding, retries) is None  # the last attempt
        db = current_session()
        db.expire_all()
        assert db.get(Job, refused).status == "failed" and "Filen" in db.get(Job, refused).error
        assert (db.get(Job, exploding).status, db.get(Job, exploding).attempts) == ("failed", retries + 1)
