"""Test helpers: an API client that logs in, onboards tenants and adds members; and the tenancy-wall check."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, create_engine, func, select

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

    def current(self, method: str, path: str, token: str, *, reader: str | None = None, **kwargs: Any):
        """``method`` on ``path`` with ``If-Match`` set to the ETag that a GET of ``path`` answers now (by
        ``reader``, default the same caller), as a client that read the object first sends it."""
        etag = self.get(path, reader or token).headers["ETag"]
        return self.request(method, path, token, headers={"If-Match": etag}, **kwargs)

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


@contextmanager
def owner_connection(app: Flask) -> Iterator[Connection]:
    """A connection as the schema owner, whom the row-level security policies admit to every row (the application
    role sees none without a tenant): for tests that look across tenants."""
    engine = create_engine(app.config["EST"].migration_database_url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def count_all(app: Flask, *models: type) -> dict[str, int]:
    """Rows of each model across every tenant."""
    with owner_connection(app) as connection:
        return {m.__name__: connection.scalar(select(func.count()).select_from(m)) for m in models}


TENANT_RULE = re.compile(r"^/api/v1/tenants/<slug>/(?P<rest>.+)$")


def tenant_level_rules(app: Flask) -> list[tuple[str, str]]:
    """Every (method, rule) of a tenant-level endpoint."""
    rules = []
    for rule in app.url_map.iter_rules():
        if TENANT_RULE.match(rule.rule):
            rules.extend((method, rule.rule) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return rules


def _ids(payload: Any) -> set[int]:
    if isinstance(payload, dict) and isinstance(payload.get("items"), list):
        return {item["id"] for item in payload["items"]}
    if isinstance(payload, dict) and "id" in payload:
        return {payload["id"]}
    return set()


PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _anyone_may_call(app: Flask, rule: str, method: str) -> bool:
    endpoint = next(r.endpoint for r in app.url_map.iter_rules() if r.rule == rule and method in r.methods)
    return app.view_functions[endpoint]._est_access.startswith("anyone")


def assert_tenant_wall(api: Api, rule: str, method: str, *, a: str, b: str, a_token: str, b_token: str) -> None:
    """Prove for one endpoint that a member of tenant ``b`` never reaches tenant ``a``'s objects.

    * on ``a``'s URL, ``b``'s admin gets 404 for every method — or, where anyone may call (accepting an
      invitation), exactly what a tenant that does not exist answers;
    * what ``b``'s admin reads under ``b``'s URL contains none of the ids ``a``'s admin reads under ``a``'s;
    * on ``b``'s URL with one of ``a``'s object ids, every method answers exactly as for an id that does not
      exist at all (404, or the same 4xx when the body is checked first) — nothing tells that the object exists.

    An object id in the URL is the ``id`` of the objects listed at the rule's path up to that parameter.
    """
    params = [p for p in PARAM.findall(rule) if p != "slug"]
    if len(params) > 1:
        raise AssertionError(f"{rule}: extend assert_tenant_wall for nested ids")
    listing = rule.split("/<", 2)
    list_rule = "/<".join(listing[:2]) if params else rule
    a_ids = _ids(api.get(list_rule.replace("<slug>", a), a_token).get_json()) if method == "GET" or params else set()
    body = {} if method in ("POST", "PATCH", "PUT") else None
    # Endpoints guarded by ETags want If-Match before they look anything up; a stale one must still give 404.
    headers = {} if method == "GET" else {"If-Match": '"stale"'}

    def url(slug: str, object_id: int | None) -> str:
        path = rule.replace("<slug>", slug)
        return PARAM.sub(str(object_id), path) if object_id is not None else path

    if params:
        assert a_ids, f"{rule}: tenant {a} needs objects for the wall test"
    first_id = min(a_ids) if params else None
    response = api.request(method, url(a, first_id), b_token, json=body, headers=dict(headers))
    if _anyone_may_call(api.app, rule, method):
        nowhere = api.request(method, url("finns-inte", first_id), b_token, json=body, headers=dict(headers))
        assert (response.status_code, response.get_json()) == (nowhere.status_code, nowhere.get_json()), (method, rule)
    else:
        assert response.status_code == 404, (method, rule, response.status_code)
    if not params and method == "GET":
        payload = api.get(url(b, None), b_token).get_json()
        b_ids = _ids(payload)
        assert not (a_ids & b_ids), f"{rule}: {b} reads {a}'s ids {a_ids & b_ids}"
        if isinstance(payload, dict) and "total" in payload and payload["total"] <= payload["page_size"]:
            assert payload["total"] == len(payload["items"]), f"{rule}: the total counts other tenants' rows"
    if params:
        missing = api.request(method, url(b, 2**31 - 1), b_token, json=body, headers=dict(headers))
        assert 400 <= missing.status_code < 500, (method, rule, missing.status_code)
    for a_id in a_ids if params else ():
        response = api.request(method, url(b, a_id), b_token, json=body, headers=dict(headers))
        assert (response.status_code, response.get_json()) == (missing.status_code, missing.get_json()), (
            method,
            rule,
            a_id,
            response.status_code,
            response.get_json(),
        )
