"""The workflow primitive: declared state machines, guards from plugins, the transition log, and ETags on reports."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from enum import StrEnum

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from core.api import stale
from core.app import create_app
from core.tenancy import current_session, tenant_context
from core.tenants.models import Tenant as TenantRow
from core.workflow import log
from core.workflow.machines import StateMachine
from tests.cycle_helpers import Tenant
from tests.helpers import Api
from tests.plugins import org_model_legacy, org_model_t

W11 = "2024-03-12T12:00:00+01:00"
WALK = {"held_at": "2024-03-14T18:00:00+01:00", "form": "physical",
        "attendees": [{"organisation": "kommun", "function": "Trygghetssamordnare"}],
        "guests": [{"organisation": "Centrumföreningen", "function": "Trygghetsvandring"}]}  # fmt: skip


def _history(api: Api, slug: str, kind: str, subject_id: int) -> list[tuple[str | None, str]]:
    with api.app.app_context():
        tenant_id = current_session().scalar(select(TenantRow.id).where(TenantRow.slug == slug))
        with tenant_context(tenant_id, current_session()):
            return [(t.from_state, t.to_state) for t in log.history(current_session(), kind, subject_id)]


@pytest.mark.hook("est_transition_guards")
@pytest.mark.hook("est_transitioned")
def test_a_fourth_org_model_adds_a_rule_in_one_file_and_its_guard_refuses_then_allows(settings) -> None:
    api = Api(create_app(replace(settings, redis_url=""), extra_plugins=[org_model_t]))
    t = Tenant(api, org_model="T", org_model_options={})
    rad = t.member("rad", "coordinator", organisation="kommun", groups=(org_model_t.GROUP,))
    outsider = t.member("utanfor", "coordinator", organisation="polis")
    cycle = t.cycle(W11)
    org_model_t.transitions.clear()
    assert t.move(cycle["id"], "compiling", rad).status_code == 200
    picture = t.compiled(cycle["id"], "gemensam", rad)

    refused = t.assess(picture["id"], {"centrum": 2}, rad)
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["errors"] == {"trygghetsvandring": ["protokoll från trygghetsvandringen saknas"]}
    assert "protokoll från trygghetsvandringen saknas" in refused.get_json()["message"]
    assert t.picture(picture["id"])["status"] == "compiled"  # nothing of the refused assessment is kept

    assert api.request("PUT", f"{t.base}/cycles/{cycle['id']}/meeting", rad, json=WALK).status_code == 200
    assert t.assess(picture["id"], {"centrum": 2}, outsider).status_code == 403  # the guard says who may
    assessed = t.assess(picture["id"], {"centrum": 2}, rad)
    assert assessed.status_code == 200 and assessed.get_json()["status"] == "assessed"

    assert org_model_t.transitions == [
        ("alfa", "cycle", "collecting", "compiling"),
        ("alfa", "lagesbild", "draft", "compiled"),
        ("alfa", "lagesbild", "compiled", "assessed"),
    ]
    assert _history(api, "alfa", "lagesbild", picture["id"]) == [
        (None, "draft"),
        ("draft", "compiled"),
        ("compiled", "assessed"),
    ]
    versions = api.get(f"{t.base}/checklist/versions", t.admin).get_json()["items"]
    assert _history(api, "alfa", "checklist_version", versions[0]["id"]) == [(None, "draft"), ("draft", "published")]


@pytest.mark.hook("est_transition_rule")
def test_the_deprecated_rule_hook_and_meeting_flag_keep_working_with_a_warning(settings) -> None:
    api = Api(create_app(replace(settings, redis_url=""), extra_plugins=[org_model_legacy]))
    t = Tenant(api, org_model="L", org_model_options={})
    group = t.member("grupp", "coordinator", organisation="polis", groups=("grupp",))
    outsider = t.member("utanfor", "coordinator", organisation="kommun")
    cycle = t.cycle(W11)
    with pytest.warns(DeprecationWarning, match="est_transition_rule"):
        assert t.move(cycle["id"], "compiling", outsider).status_code == 403
    with pytest.warns(DeprecationWarning):
        assert t.move(cycle["id"], "compiling", group).status_code == 200
    picture = t.compiled(cycle["id"], "motet", group)
    assert t.assess(picture["id"], {"centrum": 2}, group).status_code == 200
    with pytest.warns(DeprecationWarning, match="CompilationStep.meeting"):
        refused = t.move(cycle["id"], "assessed", group)
    assert refused.status_code == 409
    assert refused.get_json()["errors"] == {"meeting": ["mötesprotokoll saknas"], "risk": ["riskvärde saknas"]}
    meeting = {**WALK, "risk": {"area": t.areas["centrum"], "value": 3}}
    assert api.request("PUT", f"{t.base}/cycles/{cycle['id']}/meeting", group, json=meeting).status_code == 200
    with pytest.warns(DeprecationWarning):
        assert t.move(cycle["id"], "assessed", group).status_code == 200
    log_entries = api.get(f"{t.base}/cycles/{cycle['id']}/log", group).get_json()
    assert [(e["from_state"], e["to_state"]) for e in log_entries] == [
        (None, "collecting"),
        ("collecting", "compiling"),
        ("compiling", "assessed"),
    ]


def test_reports_carry_etags_and_a_stale_correction_is_refused(api: Api) -> None:
    t = Tenant(api)
    reporter = t.member("falt", "reporter", function="faltgrupp", organisation="kommun")
    body = {"item": "skadegorelse", "area": t.areas["centrum"], "occurred_at": W11, "severity": 2,
            "place": {"text": "Torget"}}  # fmt: skip
    created = api.post(f"{t.base}/reports", reporter, json=body)
    assert created.status_code == 201 and created.get_json()["revision"] == 1
    url = f"{t.base}/reports/{created.get_json()['id']}"
    etag = created.headers["ETag"]
    assert api.get(url, reporter).headers["ETag"] == etag

    missing = api.request("PATCH", url, reporter, json={"severity": 3})
    assert missing.status_code == 428 and missing.get_json()["message"]
    first = api.request("PATCH", url, reporter, json={"severity": 3}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.get_json()["revision"] == 2
    assert first.headers["ETag"] not in (None, etag) and api.get(url, reporter).headers["ETag"] == first.headers["ETag"]
    stale = api.request("PATCH", url, reporter, json={"severity": 3}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.get_json()["message"]
    assert api.get(url, reporter).get_json()["severity"] == 3
    # An edit that changes nothing still counts: the same If-Match cannot be used twice.
    again = api.request("PATCH", url, reporter, json={"severity": 3}, headers={"If-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.get_json()["revision"] == 3


class Light(StrEnum):
    RED = "red"
    GREEN = "green"


def test_a_state_machine_declares_every_state_and_refuses_undeclared_moves() -> None:
    with pytest.raises(ValueError):
        StateMachine("light", "ljuset", Light, {Light.RED: (Light.GREEN,)}, Light.RED)
    machine = StateMachine("light", "ljuset", Light, {Light.RED: (Light.GREEN,), Light.GREEN: ()}, Light.RED)
    assert machine.allowed("red") == ("green",)
    with pytest.raises(Exception, match="Ljuset är green; härifrån går det till: inga"):
        machine.check("green", "red")


def test_a_locked_sqlite_database_is_a_503_to_retry_and_other_operational_errors_are_not_hidden(app) -> None:
    locked = OperationalError("UPDATE cycles …", {}, sqlite3.OperationalError("database is locked"))
    with app.test_request_context():
        response = stale.busy_or_raise(locked)
        assert response.status_code == 503 and response.headers["Retry-After"] == "1"
        assert response.get_json()["message"]
        gone = OperationalError("SELECT 1", {}, sqlite3.OperationalError("disk I/O error"))
        with pytest.raises(OperationalError):
            stale.busy_or_raise(gone)
