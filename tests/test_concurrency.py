"""Lost updates, against a real server: N clients send the same transition or edit with the same ``If-Match`` at
the same moment — exactly one succeeds and every other gets 412, for each kind of object that carries an ETag.

The requests go over HTTP to a threaded werkzeug server in this process (not the test client), so that they really
run side by side, each with its own Session and transaction; on the real leg against PostgreSQL under row-level
security. Each client connects first and then waits at a barrier, so the requests arrive together.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.cycle_helpers import Tenant
from tests.helpers import Api

CLIENTS = 10  # as in the issue: ten PUTs with one If-Match gave four 200s on SQLite, two on PostgreSQL
W11 = "2024-03-12T12:00:00+01:00"


@pytest.fixture
def server(app: Flask) -> Iterator[tuple[str, int]]:
    running = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", running.server_port
    running.shutdown()
    thread.join(timeout=30)


def send_together(address: tuple[str, int], method: str, path: str, token: str, etag: str, body: Any) -> list[int]:
    """The statuses of ``CLIENTS`` identical requests sent at once, sorted."""
    barrier = threading.Barrier(CLIENTS, timeout=30)
    statuses: list[int] = []
    headers = {"Authorization": f"Bearer {token}", "If-Match": etag, "Content-Type": "application/json"}
    payload = None if body is None else json.dumps(body)

    def client() -> None:
        connection = http.client.HTTPConnection(*address, timeout=120)
        connection.connect()
        barrier.wait()
        connection.request(method, path, body=payload, headers=headers)
        statuses.append(connection.getresponse().status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return sorted(statuses)


def assessment(t: Tenant) -> dict[str, Any]:
    return {"summary": "Lugnt", "areas": [{"area": t.areas["norr"], "level": 2, "conditions": "Oro kvällstid"}]}


def cycle_transition(api: Api, t: Tenant) -> tuple[str, str, Any]:
    cycle = t.cycle(W11)
    return "POST", f"{t.base}/cycles/{cycle['id']}", {"to": "compiling"}


def lagesbild_assessment(api: Api, t: Tenant) -> tuple[str, str, Any]:
    cycle = t.cycle(W11)
    assert t.move(cycle["id"], "compiling").status_code == 200
    picture = t.compiled(cycle["id"], "motet")
    return "PUT", f"{t.base}/lagesbilder/{picture['id']}", assessment(t)


def checklist_publication(api: Api, t: Tenant) -> tuple[str, str, Any]:
    draft = api.post(f"{t.base}/checklist/versions", t.admin, json={"note": "Ny punkt"}).get_json()
    return "POST", f"{t.base}/checklist/versions/{draft['id']}", None


def proposal_answer(api: Api, t: Tenant) -> tuple[str, str, Any]:
    body = {"title": "Fler fältarbetare kvällstid", "department": "Socialförvaltningen"}
    proposal = api.post(f"{t.base}/proposals", t.admin, json=body).get_json()
    return "POST", f"{t.base}/proposals/{proposal['id']}", {"status": "answered", "answer": "Utreds"}


def report_correction(api: Api, t: Tenant) -> tuple[str, str, Any]:
    report = t.report(t.admin, area="norr", at=W11)
    return "PATCH", f"{t.base}/reports/{report['id']}", {"severity": 3}


# kind → how to make one, returning (method, the object's URL, body); the action's URL is the object's + suffix.
KINDS: dict[str, tuple[Callable[[Api, Tenant], tuple[str, str, Any]], str]] = {
    "cycle": (cycle_transition, "/transitions"),
    "lagesbild": (lagesbild_assessment, "/assessment"),
    "checklist_version": (checklist_publication, "/publish"),
    "proposal": (proposal_answer, "/answer"),
    "report": (report_correction, ""),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_one_if_match_wins_once_however_many_send_it_at_once(api: Api, server: tuple[str, int], kind: str) -> None:
    make, action = KINDS[kind]
    t = Tenant(api, org_model="C", org_model_options={})
    method, url, body = make(api, t)
    read = api.get(url, t.admin)
    assert read.status_code == 200, read.get_json()
    statuses = send_together(server, method, url + action, t.admin, read.headers["ETag"], body)
    assert statuses == [200] + [412] * (CLIENTS - 1), (kind, statuses)
    assert api.get(url, t.admin).headers["ETag"] != read.headers["ETag"]
