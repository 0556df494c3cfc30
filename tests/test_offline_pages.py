"""The report form's idempotency key and what the offline queue (core/static/offline.js) asks of the pages: a
double submit or a resend of one rendered form makes one report; the queue's JSON answers; the moment a queued report
was written; the service worker and the token answer the tenant's members only."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from core.db import utcnow
from core.reports.models import Report
from tests.helpers import Api, count_all
from tests.page_helpers import PageClient, report_form, two_tenants

KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
JSON = {"Accept": "application/json"}


def form_key(client: PageClient) -> str:
    return KEY.search(client.get("/t/alfa/rapportera").get_data(as_text=True)).group(1)


def test_each_rendered_form_has_its_own_key(app: Flask, api: Api) -> None:
    two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    assert form_key(reporter) != form_key(reporter)


def test_a_double_submit_of_one_form_makes_one_report(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    sent = report_form(alfa.areas["norr"], idempotency_key=form_key(reporter))
    first = reporter.post("/t/alfa/rapportera", sent)
    again = reporter.post("/t/alfa/rapportera", sent)
    assert first.status_code == again.status_code == 303
    assert count_all(app, Report)["Report"] == 1
    changed = reporter.post("/t/alfa/rapportera", {**sent, "severity": "3"})
    assert changed.status_code == 422
    assert "Idempotency-Key" in changed.get_data(as_text=True) and count_all(app, Report)["Report"] == 1
    assert reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"])).status_code == 303  # no key: as ever
    assert count_all(app, Report)["Report"] == 2


def test_a_refused_form_keeps_its_key_and_stores_nothing(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    key = form_key(reporter)
    refused = reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"], place="", idempotency_key=key))
    assert refused.status_code == 422 and f'value="{key}"' in refused.get_data(as_text=True)
    fixed = reporter.post("/t/alfa/rapportera", report_form(alfa.areas["norr"], idempotency_key=key))
    assert fixed.status_code == 303 and count_all(app, Report)["Report"] == 1


def test_the_queue_gets_json_answers(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    token = reporter.csrf("/t/alfa/rapportera")
    sent = {**report_form(alfa.areas["norr"], idempotency_key="q-1"), "csrf": token}
    made = reporter.client.post("/t/alfa/rapportera", data=sent, headers=JSON)
    assert made.status_code == 201 and made.get_json()["location"] == "/t/alfa/mina-rapporter"
    again = reporter.client.post("/t/alfa/rapportera", data=sent, headers=JSON)
    assert again.status_code == 201 and again.get_json()["id"] == made.get_json()["id"]
    refused = reporter.client.post("/t/alfa/rapportera", data={**sent, "idempotency_key": "q-2", "place": ""},
                                   headers=JSON)  # fmt: skip
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["place"]
    assert count_all(app, Report)["Report"] == 1


def test_a_queued_report_is_dated_when_it_was_written(app: Flask, api: Api) -> None:
    alfa, _beta = two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    written = (utcnow() - timedelta(days=2)).replace(microsecond=0)
    for key, moment in (("w-1", written.isoformat()), ("w-2", (utcnow() - timedelta(days=30)).isoformat()),
                        ("w-3", "igår"), ("w-4", (utcnow() + timedelta(days=1)).isoformat())):  # fmt: skip
        sent = report_form(alfa.areas["norr"], idempotency_key=key, written_at=moment)
        assert reporter.post("/t/alfa/rapportera", sent).status_code == 303
    reports = api.get("/api/v1/tenants/alfa/reports", alfa.admin).get_json()["items"]
    times = sorted(r["occurred_at"] for r in reports)
    assert times[0].startswith(written.replace(second=0).strftime("%Y-%m-%dT%H:%M"))
    # too old, not a moment, or in the future: now
    assert all(t > (utcnow() - timedelta(hours=1)).isoformat() for t in times[1:])


def test_the_worker_and_the_token_answer_members_only(app: Flask, api: Api) -> None:
    two_tenants(api)
    reporter = PageClient(app, "rapportor@alfa.test")
    worker = reporter.get("/t/alfa/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert "no-cache" in worker.headers["Cache-Control"]
    token = reporter.get("/t/alfa/offline/token")
    assert token.status_code == 200 and set(token.get_json()) == {"csrf", "user"}
    stranger = PageClient(app, "rapportor@beta.test")
    for path in ("/t/alfa/sw.js", "/t/alfa/offline/token", "/t/nowhere/sw.js"):
        answer = stranger.get(path)
        assert answer.status_code == 404 and answer.mimetype == "text/html"
        assert b"addEventListener" not in answer.data
    anonymous = PageClient(app)
    assert anonymous.get("/t/alfa/offline/token").status_code == 302


def test_a_key_of_one_tenant_does_not_replay_in_another(app: Flask, api: Api) -> None:
    alfa, beta = two_tenants(api)
    in_alfa = PageClient(app, "rapportor@alfa.test")
    sent = report_form(alfa.areas["norr"], idempotency_key="same")
    assert in_alfa.post("/t/alfa/rapportera", sent).status_code == 303
    in_beta = PageClient(app, "rapportor@beta.test")
    sent = report_form(beta.areas["norr"], idempotency_key="same")
    assert in_beta.post("/t/beta/rapportera", sent, page="/t/beta/rapportera").status_code == 303
    assert len(api.get("/api/v1/tenants/beta/reports", beta.admin).get_json()["items"]) == 1
