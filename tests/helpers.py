"""Test helpers: an API client that logs in, onboards tenants and adds members; and the tenancy-wall check."""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from core.accounts.seed import ensure_member
from core.accounts.service import upsert_user
from core.tenancy import current_session
from core.tenants import onboarding
from tests.fixtures.tenant_doc import tenant_doc

PASSWORD = "korrekt-hästbatteri-häftstift"


class Api:
    """A test client speaking JSON with a Bearer token."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()

    def request(self, method: str, path: str, token: str | None = None, **kwargs: Any):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, token: str | None = None, **kwargs: Any):
        return self.request("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None = None, **kwargs: Any):
        return self.request("POST", path, token, **kwargs)

    def token(self, email: str, password: str = PASSWORD) -> str:
        response = self.post("/api/v1/auth/tokens", json={"email": email, "password": password})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]

    def onboard(self, slug: str = "alfa", **changes: Any) -> None:
        with self.app.app_context():
            db = current_session()
            pm = self.app.extensions["est.plugins"]
            onboarding.apply(db, onboarding.validate(tenant_doc(slug, **changes), pm), pm)
            db.commit()

    def user(self, email: str, *, tenant: str | None = None, role: str = "reporter", admin: bool = False) -> str:
        """Create a user (optionally a member of ``tenant`` with ``role``) and return an API token for it."""
        with self.app.app_context():
            db = current_session()
            user = upsert_user(db, email, PASSWORD, platform_admin=admin)
            if tenant:
                ensure_member(db, tenant, user, role)
            db.commit()
        return self.token(email)

    def wait_for_job(self, job_id: str, token: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(f"/api/v1/jobs/{job_id}", token).get_json()
            if job["status"] in ("finished", "failed") or time.monotonic() > deadline:
                return job
            time.sleep(0.1)


TENANT_RULE = re.compile(r"^/api/v1/tenants/<slug>/(?P<rest>.+)$")


def tenant_level_rules(app: Flask) -> list[tuple[str, str]]:
    """Every (method, rule) of a tenant-level endpoint."""
    rules = []
    for rule in app.url_map.iter_rules():
        if TENANT_RULE.match(rule.rule):
            rules.extend((method, rule.rule) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return rules


def _ids(payload: Any) -> set[int]:
    items = payload["items"] if isinstance(payload, dict) and "items" in payload else payload
    return {item["id"] for item in items} if isinstance(items, list) else set()


def assert_tenant_wall(api: Api, rule: str, method: str, *, a: str, b: str, a_token: str, b_token: str) -> None:
    """Prove for one endpoint that a member of tenant ``b`` never reaches tenant ``a``'s objects.

    * on ``a``'s URL, ``b``'s admin gets 404 for every method;
    * lists under ``b``'s URL contain none of the ids ``a``'s admin sees in ``a``'s list;
    * on ``b``'s URL with one of ``a``'s object ids, every method answers 404.
    """
    path_params = re.findall(r"<(?:\w+:)?(\w+)>", rule)
    params = [p for p in path_params if p != "slug"]
    if len(params) > 1:
        raise AssertionError(f"{rule}: extend assert_tenant_wall for nested ids")
    base = "/".join(rule.split("/")[:6])  # /api/v1/tenants/<slug>/<resource>
    a_list = api.get(base.replace("<slug>", a), a_token)
    assert a_list.status_code == 200, (rule, a_list.get_json())
    a_ids = _ids(a_list.get_json())
    assert a_ids, f"{rule}: tenant {a} needs objects for the wall test"
    body = {} if method in ("POST", "PATCH", "PUT") else None

    # a's URL, b's member
    target = rule.replace("<slug>", a)
    if params:
        target = re.sub(r"<(?:\w+:)?\w+>", str(min(a_ids)), target)
    response = api.request(method, target, b_token, json=body)
    assert response.status_code == 404, (method, target, response.status_code)

    if not params and method == "GET":
        b_ids = _ids(api.get(rule.replace("<slug>", b), b_token).get_json())
        assert not (a_ids & b_ids), f"{rule}: {b}'s list shows {a}'s ids {a_ids & b_ids}"
    if params:
        for a_id in a_ids:
            target = re.sub(r"<(?:\w+:)?\w+>", str(a_id), rule.replace("<slug>", b))
            response = api.request(method, target, b_token, json=body)
            assert response.status_code == 404, (method, target, response.status_code, response.get_json())
