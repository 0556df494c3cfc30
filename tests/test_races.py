"""Two requests racing to create the same row: one wins, the other is a 409 — never a 500. (Two invitations of one
address at once are tested with the invitations.)

The services check for a duplicate before they insert; the race is two requests that both pass that check. A
barrier at each request's first flush holds both until both have checked, so that the race happens every time:
the database's unique constraint then refuses the second insert (PostgreSQL blocks it on the first's uncommitted
key, SQLite on the first's write lock; either way it then fails as a duplicate).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.helpers import Api

BASE = "/api/v1/tenants/alfa"


@contextmanager
def first_flushes_meet(parties: int) -> Iterator[None]:
    """Every thread's first flush waits for the others' (for a few seconds at most)."""
    barrier = threading.Barrier(parties, timeout=5)
    flushed = threading.local()

    def wait(_session: Session, _context, _instances) -> None:
        if not getattr(flushed, "once", False):
            flushed.once = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass

    event.listen(Session, "before_flush", wait)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", wait)


def race(api: Api, send: Callable[[Api], TestResponse], parties: int = 2) -> list[TestResponse]:
    """The responses to ``parties`` concurrent calls of ``send`` (each with its own client), by status."""
    responses: list[TestResponse] = []
    with first_flushes_meet(parties):
        threads = [threading.Thread(target=lambda: responses.append(send(Api(api.app)))) for _ in range(parties)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return sorted(responses, key=lambda response: response.status_code)


def statuses(responses: list[TestResponse]) -> list[int]:
    return [response.status_code for response in responses]


@pytest.fixture
def admin(api: Api) -> str:
    api.onboard("alfa")
    return api.user("admin@alfa.test", tenant="alfa", role="admin")


def test_the_same_period_opened_twice_at_once(api: Api, admin: str) -> None:
    body = {"at": "2026-03-11T10:00:00+01:00"}
    responses = race(api, lambda client: client.post(f"{BASE}/cycles", admin, json=body))
    assert statuses(responses) in ([200, 409], [201, 409])
    assert "period" in responses[1].get_json()["errors"]


def test_two_drafts_started_at_once(api: Api, admin: str) -> None:
    responses = race(api, lambda client: client.post(f"{BASE}/checklist/versions", admin, json={"note": "ny"}))
    assert statuses(responses) == [201, 409]
    assert "number" in responses[1].get_json()["errors"]
