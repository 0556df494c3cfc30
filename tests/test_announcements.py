"""Announcements: est_report_submitted, est_lagesbild_compiled and est_lagesbild_published reach the plugins a
tenant enabled, once per event, after the commit — never for what was rolled back — also from a real rq worker."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.app import create_app
from core.jobs import enqueue
from core.lagesbild import service as lagesbild_service
from core.lagesbild.models import Lagesbild
from core.plugin_api import LagesbildInfo, ReportInfo, TenantInfo, hookimpl
from core.registry.manager import PluginError, build_plugin_manager
from core.reports.importer import COLUMNS
from core.reports.models import Report
from core.tenancy import current_session
from core.tenants.models import Tenant
from tests import job_functions
from tests.cycle_helpers import Tenant as CycleTenant
from tests.helpers import Api, owner_connection
from tests.plugins import lifecycle_recorder

RECORDER = lifecycle_recorder.__name__
W11 = "2024-03-12T12:00:00+01:00"


class _Failing:
    """An enabled plugin whose announcement fails: logged, and the recorder still hears of the report."""

    @hookimpl
    def est_report_submitted(self, tenant: TenantInfo, report: ReportInfo) -> None:
        raise RuntimeError("plugin trasig")


FAILING = _Failing()


def _stored(app: Flask, hook: str, info: ReportInfo | LagesbildInfo) -> object:
    """What another connection sees of the announced object while the hook runs: only what is committed."""
    with owner_connection(app) as connection:
        if hook == "est_report_submitted":
            return connection.scalar(select(Report.id).where(Report.id == info.id))
        return connection.scalar(select(Lagesbild.status).where(Lagesbild.id == info.id))


@pytest.fixture
def recording(settings) -> Iterator[Flask]:
    """An app with the recorder and a failing plugin installed, jobs in-process (the worker has neither)."""
    app = create_app(replace(settings, redis_url=""), extra_plugins=[lifecycle_recorder, FAILING])
    lifecycle_recorder.calls.clear()
    lifecycle_recorder.probe = lambda hook, info: _stored(app, hook, info)
    yield app
    lifecycle_recorder.probe = None
    lifecycle_recorder.calls.clear()


def _heard(hook: str) -> list[tuple[str, object, object]]:
    return [(slug, info, seen) for name, slug, info, seen in lifecycle_recorder.calls if name == hook]


@contextmanager
def next_commit_fails() -> Iterator[None]:
    """The next commit of any Session raises before it reaches the database: the transaction rolls back."""

    def fail(_session: Session) -> None:
        event.remove(Session, "before_commit", fail)
        raise RuntimeError("commit avbruten")

    event.listen(Session, "before_commit", fail)
    try:
        yield
    finally:
        if event.contains(Session, "before_commit", fail):
            event.remove(Session, "before_commit", fail)


@pytest.mark.hook("est_report_submitted")
def test_a_submitted_report_is_announced_once_after_commit(recording: Flask, caplog) -> None:
    api = Api(recording)
    t = CycleTenant(api, plugins=[RECORDER, str(id(FAILING))])
    other = CycleTenant(api, "beta", plugins=[])  # the recorder is installed, not enabled, here
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    with caplog.at_level(logging.ERROR):
        report = t.report(reporter, area="norr", at="2024-03-12T21:15:00+01:00", item="brand", severity=3)
    other.report(other.admin, area="norr", at="2024-03-12T21:15:00+01:00")
    [(slug, info, seen)] = _heard("est_report_submitted")
    assert (slug, seen) == ("alfa", report["id"])  # committed when announced
    assert info == ReportInfo(
        id=report["id"], period="2024-W11", item="brand", theme="skadegorelse", positive=False, area="norr",
        organisation="kommun", severity=3, occurred_at=datetime.fromisoformat("2024-03-12T20:15:00+00:00"),
        late=report["late"],
    )  # fmt: skip
    assert f"plugin {id(FAILING)} failed in est_report_submitted" in caplog.text and "RuntimeError" in caplog.text

    refused = api.post(f"{t.base}/reports", reporter, json={"item": "brand", "area": t.areas["norr"]})
    correction = api.current("PATCH", f"{t.base}/reports/{report['id']}", reporter, json={"severity": 1})
    assert (refused.status_code, correction.status_code) == (422, 200)
    rows = [["brand", "norr", "2024-03-13 22:00", "", "2", "Torget", "", "", "", "", "kommun", ""]]
    csv = ";".join(COLUMNS) + "\n" + "\n".join(";".join(row) for row in rows) + "\n"
    upload = api.post(f"{t.base}/reports/import", t.admin, data={"file": (io.BytesIO(csv.encode()), "gamla.csv")},
                      content_type="multipart/form-data")  # fmt: skip
    assert api.wait_for_job(upload.get_json()["id"], t.admin)["result"]["imported"] == 1
    assert len(_heard("est_report_submitted")) == 1  # neither refused, corrected nor imported reports


def test_a_report_whose_request_rolls_back_is_never_announced(recording: Flask) -> None:
    api = Api(recording)
    t = CycleTenant(api, plugins=[RECORDER])
    body = {"item": "brand", "area": t.areas["norr"], "occurred_at": W11, "severity": 2, "place": {"text": "Torget"}}
    with next_commit_fails():
        response = api.post(f"{t.base}/reports", t.admin, json=body)
    assert response.status_code == 500
    assert api.get(f"{t.base}/reports", t.admin).get_json()["items"] == []
    assert _heard("est_report_submitted") == []
    assert api.post(f"{t.base}/reports", t.admin, json=body).status_code == 201
    assert len(_heard("est_report_submitted")) == 1


@pytest.mark.hook("est_lagesbild_compiled")
@pytest.mark.hook("est_lagesbild_published")
def test_compiled_and_published_pictures_are_announced_once_each(recording: Flask) -> None:
    api = Api(recording)
    t = CycleTenant(api, plugins=[RECORDER])
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    t.report(reporter, area="centrum", at="2024-03-12T21:15:00+01:00")
    cycle = t.cycle(W11)
    assert t.move(cycle["id"], "compiling").status_code == 200
    pictures = {step["key"]: t.compiled(cycle["id"], step["key"]) for step in cycle["plan"]}
    compiled = _heard("est_lagesbild_compiled")
    assert [(info.step, info.version, info.status, seen) for _, info, seen in compiled] == [
        (key, 1, "compiled", "compiled") for key in pictures
    ]
    joint = pictures["gemensam"]
    assert compiled[-1][1] == LagesbildInfo(
        id=joint["id"], version=1, kind="weekly", label="2024-W11", title="Gemensam lägesbild 2024-W11",
        scope="tenant", area=None, leg=None, cycle_id=cycle["id"], step="gemensam", status="compiled", total=1,
    )  # fmt: skip
    assert _heard("est_lagesbild_published") == []

    assert t.assess(joint["id"], {"centrum": 2}).status_code == 200
    assert t.move(cycle["id"], "assessed").status_code == 200
    assert t.move(cycle["id"], "published").status_code == 200
    [(slug, info, seen)] = _heard("est_lagesbild_published")
    assert (slug, info.id, info.step, info.status, seen) == ("alfa", joint["id"], "gemensam", "published", "published")

    # A corrected version of the published picture is published on its own.
    assert t.assess(joint["id"], {"centrum": 3}).status_code == 200
    second = t.picture(joint["id"] + 1)
    assert second["version"] == 2 and len(_heard("est_lagesbild_compiled")) == len(pictures)  # assessed, not compiled
    etag = api.get(f"{t.base}/lagesbilder/{second['id']}", t.admin).headers["ETag"]
    published = api.post(f"{t.base}/lagesbilder/{second['id']}/publish", t.admin, headers={"If-Match": etag})
    assert published.status_code == 200, published.get_json()
    assert [(info.id, info.version) for _, info, _ in _heard("est_lagesbild_published")] == [
        (joint["id"], 1), (second["id"], 2)
    ]  # fmt: skip


def test_a_compile_job_that_fails_announces_nothing(recording: Flask, monkeypatch) -> None:
    api = Api(recording)
    t = CycleTenant(api, plugins=[RECORDER])
    cycle = t.cycle(W11)
    assert t.move(cycle["id"], "compiling").status_code == 200
    compile_step = lagesbild_service.compile_step

    def compile_then_fail(*arguments):
        compile_step(*arguments)
        raise RuntimeError("jobbet avbröts efter sammanställningen")

    monkeypatch.setattr(lagesbild_service, "compile_step", compile_then_fail)
    response = t.compile(cycle["id"], "part_kommun")
    assert api.wait_for_job(response.get_json()["id"], t.admin)["status"] == "failed"
    assert _heard("est_lagesbild_compiled") == []
    assert api.get(f"{t.base}/lagesbilder", t.admin).get_json()["items"] == []


def test_compilation_on_the_worker_is_announced_there_once_after_its_commit(
    app: Flask, settings, tmp_path, monkeypatch
) -> None:
    """On the real leg the compile job runs on the rq worker, which announces it (embedded: in-process)."""
    monkeypatch.setattr(lifecycle_recorder, "record_to", None)  # the in-process job sets it; undone afterwards
    api = Api(create_app(settings, extra_plugins=[lifecycle_recorder]))  # the recorder may be enabled
    t = CycleTenant(api, plugins=[RECORDER])
    cycle = t.cycle(W11)
    assert t.move(cycle["id"], "compiling").status_code == 200
    record = tmp_path / "announcements.jsonl"
    with api.app.app_context():
        tenant = current_session().scalar(select(Tenant.id).where(Tenant.slug == "alfa"))
        compiling = enqueue(job_functions.compile_step_recorded, tenant=tenant, record_to=str(record),
                            cycle_id=cycle["id"], step="part_kommun", user_id=None)  # fmt: skip
        after = enqueue(job_functions.add_area, tenant=tenant, key="soder", name="Söder")
    job = api.wait_for_job(compiling, t.admin)
    assert job["status"] == "finished", job
    assert api.wait_for_job(after, t.admin)["status"] == "finished"  # one worker: the compile job has ended
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert [(hook, slug, info["id"], info["step"]) for hook, slug, info, _ in lines] == [
        ("est_lagesbild_compiled", "alfa", job["result"]["lagesbild"], "part_kommun")
    ]
    assert (lines[0][3] == os.getpid()) == settings.embedded  # heard where the job ran


class _Wrapper:
    @hookimpl(wrapper=True)
    def est_lagesbild_published(self, tenant: TenantInfo, lagesbild: LagesbildInfo):
        return (yield)


def test_an_announcement_cannot_be_wrapped() -> None:
    wrapper = _Wrapper()
    with pytest.raises(PluginError, match=f"plugin '{id(wrapper)}' wraps est_lagesbild_published"):
        build_plugin_manager([wrapper])
