"""``Idempotency-Key`` on report submissions: a resend (same key, same body) answers with the report the first
request made and makes no second one; the same key with another body is refused; keys are per tenant and user and
expire; ten clients sending one key at the same moment make exactly one report (on the real leg: PostgreSQL under
row-level security)."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from werkzeug.serving import make_server

from core.db import utcnow
from core.reports.idempotency import LIFETIME
from core.reports.models import IdempotencyKey, Report
from tests.cycle_helpers import Tenant
from tests.helpers import Api, count_all, owner_connection

AT = "2024-03-12T12:00:00+01:00"
CLIENTS = 10


def body(t: Tenant, **changes) -> dict:
    return {"item": "skadegorelse", "area": t.areas["norr"], "occurred_at": AT, "severity": 2,
            "place": {"text": "Torget"}, **changes}  # fmt: skip


def send(api: Api, t: Tenant, token: str, key: str | None, payload: dict, language: str = "sv"):
    headers = {"Accept-Language": language}
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.post(f"{t.base}/reports", token, json=payload, headers=headers)


def reports_in_all_tenants(app: Flask) -> int:
    return count_all(app, Report)["Report"]


def test_a_resend_with_the_same_key_answers_with_the_first_report(api: Api, app: Flask) -> None:
    t = Tenant(api)
    first = send(api, t, t.admin, "3f6c-a1", body(t))
    assert first.status_code == 201, first.get_json()
    assert "Idempotent-Replayed" not in first.headers
    again = send(api, t, t.admin, "3f6c-a1", body(t))
    assert again.status_code == 201, again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    stored = api.get(f"{t.base}/reports/{first.get_json()['id']}", t.admin).get_json()
    assert again.get_json() == stored and stored["id"] == first.get_json()["id"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert reports_in_all_tenants(app) == 1
    assert send(api, t, t.admin, "3f6c-a2", body(t)).status_code == 201  # another key: another report
    assert send(api, t, t.admin, None, body(t)).status_code == 201  # no key: as before
    assert reports_in_all_tenants(app) == 3


def test_the_same_key_with_another_body_is_refused_in_swedish(api: Api, app: Flask) -> None:
    t = Tenant(api)
    assert send(api, t, t.admin, "k1", body(t)).status_code == 201
    refused = send(api, t, t.admin, "k1", body(t, severity=3))
    assert refused.status_code == 422
    error = refused.get_json()
    assert error["error"] == "idempotency.key_reused"
    assert "Idempotency-Key" in error["errors"]
    assert "Idempotency-Key" in error["message"] and "redan" in error["message"]
    english = send(api, t, t.admin, "k1", body(t, severity=3), language="en").get_json()
    assert "already used" in english["message"]
    assert reports_in_all_tenants(app) == 1


@pytest.mark.parametrize("key", ["", "a" * 101, "två", "a b", "x/y", "a\tb"])
def test_a_malformed_key_is_refused_naming_the_header(api: Api, app: Flask, key: str) -> None:
    t = Tenant(api)
    refused = send(api, t, t.admin, key, body(t))
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"] == "idempotency.key_invalid"
    assert list(refused.get_json()["errors"]) == ["Idempotency-Key"]
    assert reports_in_all_tenants(app) == 0


def test_a_longest_key_is_accepted(api: Api) -> None:
    t = Tenant(api)
    assert send(api, t, t.admin, "A-z_0.9:~" + "k" * 91, body(t)).status_code == 201


def test_a_key_is_per_tenant_and_per_user(api: Api, app: Flask) -> None:
    a, b = Tenant(api, "alfa"), Tenant(api, "beta")
    both = api.user("both@alfa.test", tenant="alfa", role="coordinator")
    both = api.user("both@alfa.test", tenant="beta", role="coordinator")  # the same person, a member of both
    made = send(api, a, both, "same", body(a)).get_json()
    in_b = send(api, b, both, "same", body(b))
    assert in_b.status_code == 201 and "Idempotent-Replayed" not in in_b.headers, in_b.get_json()
    assert in_b.get_json()["area"] == b.areas["norr"] != a.areas["norr"]
    by_other = send(api, a, a.admin, "same", body(a))
    assert by_other.status_code == 201 and "Idempotent-Replayed" not in by_other.headers
    assert reports_in_all_tenants(app) == 3
    # the key resent in B answers with B's report, never A's
    again = send(api, b, both, "same", body(b))
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json()["id"] == in_b.get_json()["id"]
    assert again.get_json()["id"] != made["id"] or again.get_json()["area"] != made["area"]
    assert reports_in_all_tenants(app) == 3


def test_a_key_expires(api: Api, app: Flask) -> None:
    t = Tenant(api)
    first = send(api, t, t.admin, "old", body(t)).get_json()
    with owner_connection(app) as connection:
        connection.execute(update(IdempotencyKey).values(created_at=utcnow() - LIFETIME - timedelta(minutes=1)))
        connection.commit()
    later = send(api, t, t.admin, "old", body(t, severity=3))
    assert later.status_code == 201 and later.get_json()["id"] != first["id"]
    with owner_connection(app) as connection:
        assert connection.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_expired_keys_are_swept_a_bounded_number_at_a_time(api: Api, app: Flask, monkeypatch) -> None:
    from core.reports import idempotency

    monkeypatch.setattr(idempotency, "SWEEP", 2)
    t = Tenant(api)
    for number in range(5):
        assert send(api, t, t.admin, f"k{number}", body(t)).status_code == 201
    with owner_connection(app) as connection:
        connection.execute(update(IdempotencyKey).values(created_at=utcnow() - LIFETIME - timedelta(minutes=1)))
        connection.commit()
    assert send(api, t, t.admin, "new", body(t)).status_code == 201
    with owner_connection(app) as connection:
        assert connection.scalar(select(func.count()).select_from(IdempotencyKey)) == 4  # 5 - 2 swept + 1


def test_the_header_is_documented(api: Api) -> None:
    spec = api.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/tenants/{slug}/reports"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])
    assert "Idempotent-Replayed" in post["responses"]["201"]["headers"]


@pytest.fixture
def threaded(app: Flask) -> Iterator[tuple[str, int]]:
    running = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", running.server_port
    running.shutdown()
    thread.join(timeout=30)


def test_one_key_sent_at_once_by_many_makes_exactly_one_report(api: Api, app: Flask, threaded) -> None:
    t = Tenant(api)
    barrier = threading.Barrier(CLIENTS, timeout=30)
    answers: list[tuple[int, int, str | None]] = []
    headers = {"Authorization": f"Bearer {t.admin}", "Content-Type": "application/json", "Idempotency-Key": "race"}
    payload = json.dumps(body(t))

    def client() -> None:
        connection = http.client.HTTPConnection(*threaded, timeout=120)
        connection.connect()
        barrier.wait()
        connection.request("POST", f"{t.base}/reports", body=payload, headers=headers)
        response = connection.getresponse()
        answers.append((response.status, json.loads(response.read())["id"], response.getheader("Idempotent-Replayed")))
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert sorted(status for status, _, _ in answers) == [201] * CLIENTS
    assert len({report_id for _, report_id, _ in answers}) == 1
    assert sorted(str(replayed) for _, _, replayed in answers) == ["None"] + ["true"] * (CLIENTS - 1)
    assert reports_in_all_tenants(app) == 1
