"""Accounts, roles, the one error shape, pagination bounds, OpenAPI."""

from __future__ import annotations

import re

from tests.helpers import PASSWORD, Api


def test_tokens_and_the_error_shape(api: Api) -> None:
    api.user("someone@alfa.test")
    wrong = api.post("/api/v1/auth/tokens", json={"email": "someone@alfa.test", "password": "fel"})
    assert wrong.status_code == 401
    assert set(wrong.get_json()) >= {"code", "status", "message"}
    unknown = api.post("/api/v1/auth/tokens", json={"email": "nobody@alfa.test", "password": "fel"})
    assert unknown.status_code == 401 and unknown.get_json()["message"] == wrong.get_json()["message"]
    invalid = api.post("/api/v1/auth/tokens", json={"email": "inte-en-adress"})
    assert invalid.status_code == 422
    assert set(invalid.get_json()["errors"]) == {"email", "password"}
    assert invalid.get_json()["message"]
    token = api.token("someone@alfa.test")
    me = api.get("/api/v1/auth/me", token).get_json()
    assert me["email"] == "someone@alfa.test" and not me["is_platform_admin"]
    assert api.get("/api/v1/auth/me", "not-a-token").status_code == 401
    assert api.get("/api/v1/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_roles_are_enforced_and_outsiders_see_nothing(api: Api) -> None:
    api.onboard("alfa")
    reporter = api.user("rapportor@alfa.test", tenant="alfa", role="reporter")
    coordinator = api.user("samordnare@alfa.test", tenant="alfa", role="coordinator")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    outsider = api.user("annan@beta.test")
    assert api.get("/api/v1/tenants/alfa/areas", reporter).status_code == 200
    assert api.get("/api/v1/tenants/alfa/members", reporter).status_code == 403
    assert api.get("/api/v1/tenants/alfa/members", coordinator).status_code == 200
    member = next(
        m for m in api.get("/api/v1/tenants/alfa/members", admin).get_json()["items"] if m["role"] == "reporter"
    )
    body = {"organisation": "kommun", "reporter_function": "faltgrupp", "groups": ["koordinatorsgrupp"]}
    path = f"/api/v1/tenants/alfa/members/{member['id']}"
    assert api.request("PATCH", path, coordinator, json=body).status_code == 403
    changed = api.request("PATCH", path, admin, json=body)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["groups"] == ["koordinatorsgrupp"]
    bad = api.request("PATCH", path, admin, json={"groups": ["nej"]})
    assert bad.status_code == 422 and "groups" in bad.get_json()["errors"]
    assert api.get("/api/v1/tenants/alfa/areas", outsider).status_code == 404
    assert api.get("/api/v1/tenants/alfa", outsider).status_code == 404
    assert api.get("/api/v1/tenants", outsider).get_json()["items"] == []
    assert [t["slug"] for t in api.get("/api/v1/tenants", reporter).get_json()["items"]] == ["alfa"]
    assert api.get("/api/v1/tenants/alfa/areas").status_code == 401


def test_pagination_cannot_be_pushed_into_a_500(api: Api) -> None:
    api.onboard("alfa")
    admin = api.user("admin@alfa.test", tenant="alfa", role="admin")
    for query in ("page=99999999999999999999", "page=0", "page_size=100000", "page=-1", "page=abc"):
        response = api.get(f"/api/v1/tenants/alfa/areas?{query}", admin)
        assert response.status_code == 422, (query, response.status_code)
        assert "errors" in response.get_json()
    page = api.get("/api/v1/tenants/alfa/areas?page=1000000&page_size=200", admin).get_json()
    assert page["items"] == [] and page["total"] == 2


def test_method_not_allowed_keeps_allow(api: Api) -> None:
    response = api.request("PUT", "/api/v1/plugins")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_json()["code"] == 405


def test_openapi_documents_who_may_call_every_operation(api: Api) -> None:
    spec = api.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    operations = [
        (path, method, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method in ("get", "post", "patch", "put", "delete")
    ]
    assert len(operations) >= 15
    for path, method, op in operations:
        assert "Who may call" in op.get("description", ""), (path, method)
    assert api.get("/api/v1/docs").status_code == 200


def test_cookie_session_needs_the_csrf_token_for_changes(api: Api) -> None:
    api.onboard("alfa")
    api.user("admin@alfa.test", tenant="alfa", role="admin")
    login = api.post("/api/v1/auth/session", json={"email": "admin@alfa.test", "password": PASSWORD})
    assert login.status_code == 201
    csrf = login.get_json()["csrf_token"]
    assert api.get("/api/v1/auth/me").get_json()["email"] == "admin@alfa.test"
    body = {"email": "ny@alfa.test", "role": "reporter"}
    assert api.post("/api/v1/tenants/alfa/invitations", json=body).status_code == 403
    assert api.post("/api/v1/tenants/alfa/invitations", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    assert api.request("DELETE", "/api/v1/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert api.get("/api/v1/auth/me").status_code == 401


def test_login_page(api: Api) -> None:
    api.user("admin@alfa.test")
    page = api.get("/login").get_data(as_text=True)
    assert "Logga in" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    failed = api.client.post("/login", data={"email": "admin@alfa.test", "password": "fel", "csrf": csrf})
    assert failed.status_code == 401 and "Fel e-postadress" in failed.get_data(as_text=True)
    form = {"email": "admin@alfa.test", "password": PASSWORD, "csrf": csrf}
    ok = api.client.post("/login", data=form, follow_redirects=True)
    assert "Inloggad som" in ok.get_data(as_text=True)
