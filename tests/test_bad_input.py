"""Bad input is a 4xx naming the field, never a 500; a 500 never logs what the request carried."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.api.fields import pattern_up_to
from core.jobs import enqueue
from core.reports import service as report_service
from core.tenancy import current_session
from core.tenants.models import Tenant
from tests.helpers import Api

REPORTS = "/api/v1/tenants/alfa/reports"
HUGE = 2**63  # beyond PostgreSQL's integer, SQLite's too


@pytest.fixture
def admin(api: Api) -> str:
    api.onboard("alfa")
    return api.user("admin@alfa.test", tenant="alfa", role="admin")


def _body(api: Api, token: str, **changes) -> dict:
    area = api.get("/api/v1/tenants/alfa/areas", token).get_json()["items"][0]["id"]
    return {
        "item": "skadegorelse",
        "area": area,
        "occurred_at": "2024-03-12T22:15:00+01:00",
        "severity": 3,
        "comment": "Två bilbränder",
        "place": {"text": "Vivalla centrum"},
        **changes,
    }


def _refused(response, status: int, field: str) -> None:
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()


@pytest.mark.parametrize("value", [HUGE, -HUGE, 2**31, 13.5, 3.0, True])
def test_an_integer_out_of_range_or_not_whole_is_the_fields_error(api: Api, admin: str, value) -> None:
    _refused(api.post(REPORTS, admin, json=_body(api, admin, area=value)), 422, "area")
    _refused(api.post(REPORTS, admin, json=_body(api, admin, severity=value)), 422, "severity")
    assert api.get(REPORTS, admin).get_json()["total"] == 0


@pytest.mark.parametrize("query", [f"area={HUGE}", f"min_severity=-{HUGE}", f"page_size={HUGE}", "area=1.5"])
def test_an_integer_query_parameter_out_of_range_is_the_parameters_error(api: Api, admin: str, query: str) -> None:
    _refused(api.get(f"{REPORTS}?{query}", admin), 422, query.split("=")[0])


@pytest.mark.parametrize("report_id", [str(2**31), "2147483650", "3000000000", str(HUGE), "9" * 5000])
def test_an_id_beyond_the_columns_range_is_not_found(api: Api, admin: str, report_id: str) -> None:
    assert api.get(f"{REPORTS}/{report_id}", admin).status_code == 404
    patched = api.request("PATCH", f"{REPORTS}/{report_id}", admin, json={"severity": 2}, headers={"If-Match": '"x"'})
    assert patched.status_code == 404


@pytest.mark.parametrize("limit", [0, 7, 10, 99, 100, 4711])
def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_limit(limit: int) -> None:
    pattern = re.compile(f"(?:{pattern_up_to(limit)})")
    assert [n for n in range(limit * 10 + 11) if pattern.fullmatch(str(n))] == list(range(limit + 1))


def test_ids_up_to_the_columns_range_are_looked_up(api: Api, admin: str) -> None:
    pattern = re.compile(f"(?:{pattern_up_to(2**31 - 1)})")
    assert all(pattern.fullmatch(str(n)) for n in (1_999_999_999, 2_147_483_639, 2**31 - 1))
    assert not any(pattern.fullmatch(str(n)) for n in (2**31, 2_147_483_650, 2_200_000_000, 3 * 10**9))
    assert api.get(f"{REPORTS}/{2**31 - 1}", admin).status_code == 404


def test_the_document_states_the_bounds(api: Api) -> None:
    document = api.get("/api/v1/openapi.json").get_json()
    report = document["paths"]["/api/v1/tenants/{slug}/reports/{report_id}"]
    (report_id,) = [p for p in report["parameters"] if p["name"] == "report_id"]
    assert report_id["schema"]["maximum"] == 2**31 - 1
    assert document["components"]["schemas"]["ReportIn"]["properties"]["area"]["maximum"] == 2**31 - 1


def test_json_nested_too_deep_is_a_bad_request(api: Api, admin: str) -> None:
    for depth in (40, 1_000, 100_000):
        body = '{"comment": ' + "[" * depth + "]" * depth + "}"
        response = api.post(REPORTS, admin, data=body, content_type="application/json")
        assert response.status_code == 400, depth


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfff"])
@pytest.mark.parametrize("field", ["comment", "place.text", "item"])
def test_text_no_database_can_store_is_the_fields_error(api: Api, admin: str, text: str, field: str) -> None:
    body = _body(api, admin)
    if field == "place.text":
        body["place"]["text"] = text
    else:
        body[field] = text
    raw = json.dumps(body)  # ensure_ascii: "\\u0000" and "\\ud800" as JSON writes them
    _refused(api.post(REPORTS, admin, data=raw, content_type="application/json"), 422, field)
    assert api.get(REPORTS, admin).get_json()["total"] == 0


def test_a_nul_in_the_query_or_the_path_is_refused(api: Api, admin: str) -> None:
    _refused(api.get(f"{REPORTS}?item=a%00b", admin), 422, "item")
    assert api.get("/api/v1/tenants/al%00fa/reports", admin).status_code == 404
    login = api.client.post("/login", data={"email": "a\x00@b.se", "password": "x"})
    assert login.status_code < 500


def test_a_500_logs_neither_parameters_nor_messages(
    api: Api, admin: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "leak@example.se"
    statement = "UPDATE users SET password_hash=%(hash)s WHERE email=%(email)s"
    detail = Exception(f"null value in column violates not-null constraint DETAIL: Failing row ({secret})")

    parameters = {"email": secret, "hash": "$argon2id$v=19$secret"}

    def failing(*_args, **_kwargs):
        raise IntegrityError(statement, parameters, detail)

    monkeypatch.setattr(report_service, "create", failing)
    with caplog.at_level(logging.DEBUG):
        response = api.post(REPORTS, admin, json=_body(api, admin))
    assert response.status_code == 500
    logged = caplog.text + "".join(str(record.exc_info) for record in caplog.records)
    assert "sqlalchemy.exc.IntegrityError" in logged and "failing" in logged  # the type and the stack are there
    assert secret not in logged and "argon2" not in logged and "Failing row" not in logged
    assert api.app.extensions["est.engine"].hide_parameters


SECRET = "".join(["hemlig", "@example.se"])  # not spelt out where the stack shows source lines


def failing_job(_context: object) -> None:
    raise ValueError(SECRET)


def test_a_failing_job_logs_its_type_not_its_message(
    app, api: Api, admin: str, real_services: bool, caplog: pytest.LogCaptureFixture
) -> None:
    if real_services:
        pytest.skip("the job runs, and logs, in the worker's process")
    with app.app_context(), caplog.at_level(logging.INFO):
        tenant_id = current_session().scalar(select(Tenant.id).where(Tenant.slug == "alfa"))
        job_id = enqueue(failing_job, tenant=tenant_id)
        assert api.wait_for_job(job_id, admin)["status"] == "failed"
    assert "ValueError" in caplog.text and "failing_job" in caplog.text
    assert SECRET not in caplog.text


def test_errors_without_a_message_of_their_own_get_a_swedish_one(api: Api, monkeypatch) -> None:
    missing = api.get("/api/v1/no-such-resource")
    assert missing.status_code == 404 and missing.get_json()["message"] == "Hittades inte."
    monkeypatch.setitem(api.app.config, "MAX_CONTENT_LENGTH", 1000)
    too_big = api.client.post("/api/v1/auth/tokens", data=b"x" * 2000, content_type="application/json")
    assert too_big.status_code == 413 and too_big.get_json()["message"] == "Begäran är för stor."
