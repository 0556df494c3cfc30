"""Sessions and tokens end for good: logout, a password change or reset; users list and revoke their own tokens."""

from __future__ import annotations

from datetime import timedelta

from core.accounts.service import USE_RESOLUTION, upsert_user
from core.tenancy import current_session
from tests.helpers import PASSWORD, Api

ME = "/api/v1/auth/me"
TOKENS = "/api/v1/auth/tokens"
REPORTS = "/api/v1/tenants/alfa/reports"


def _login(api: Api, email: str = "admin@alfa.test") -> tuple[str, str]:
    """A cookie session: (CSRF token, the cookie's value) — the cookie stays in the client."""
    response = api.post("/api/v1/auth/session", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["csrf_token"], api.client.get_cookie("session").value


def test_a_cookie_replayed_after_logout_is_refused(api: Api) -> None:
    api.onboard("alfa")
    api.user("admin@alfa.test", tenant="alfa", role="admin")
    csrf, cookie = _login(api)
    assert api.get(ME).get_json()["memberships"] == [{"tenant": "alfa", "role": "admin"}]
    assert api.request("DELETE", "/api/v1/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    api.client.set_cookie("session", cookie)  # the stolen or kept copy
    assert api.get(ME).status_code == 401
    assert api.get("/api/v1/tenants/alfa/areas").status_code == 401
    assert "Logga in" in api.get("/").get_data(as_text=True)  # anonymous on the pages


def test_web_logout_ends_the_session_too(api: Api) -> None:
    api.onboard("alfa")
    api.user("admin@alfa.test", tenant="alfa", role="admin")
    csrf, cookie = _login(api)
    assert api.client.post("/logout", data={"csrf": csrf}).status_code == 302
    api.client.set_cookie("session", cookie)
    assert api.get(ME).status_code == 401


def test_a_password_change_ends_every_session_and_token(api: Api) -> None:
    api.onboard("alfa")
    token = api.user("admin@alfa.test", tenant="alfa", role="admin")
    other_token = api.token("admin@alfa.test")
    _, cookie = _login(api)
    api.client.delete_cookie("session")
    change = {"current_password": PASSWORD, "new_password": "ett-helt-annat-lösenord"}
    assert api.post("/api/v1/auth/password", token, json={**change, "current_password": "fel"}).status_code == 422
    assert api.get(ME, token).status_code == 200  # a wrong current password changes nothing
    assert api.post("/api/v1/auth/password", token, json=change).status_code == 204
    for old in (token, other_token):
        assert api.get(ME, old).status_code == 401
    api.client.set_cookie("session", cookie)
    assert api.get(ME).status_code == 401
    api.client.delete_cookie("session")
    assert api.get(ME, api.token("admin@alfa.test", "ett-helt-annat-lösenord")).status_code == 200
    assert api.post(TOKENS, json={"email": "admin@alfa.test", "password": PASSWORD}).status_code == 401


def test_a_password_reset_ends_every_token(api: Api) -> None:
    api.onboard("alfa")
    token = api.user("admin@alfa.test", tenant="alfa", role="admin")
    with api.app.app_context():  # what `est users create` does for an existing user
        upsert_user(current_session(), "admin@alfa.test", PASSWORD)
        current_session().commit()
    assert api.get(ME, token).status_code == 401


def test_users_list_and_revoke_only_their_own_tokens(api: Api) -> None:
    api.onboard("alfa")
    mine = api.user("admin@alfa.test", tenant="alfa", role="admin")
    theirs = api.user("annan@alfa.test", tenant="alfa", role="admin")
    named = api.post(TOKENS, json={"email": "admin@alfa.test", "password": PASSWORD, "name": "Skript"})
    assert named.status_code == 201
    listed = api.get(TOKENS, mine).get_json()["items"]
    assert [t["name"] for t in listed] == ["Skript", None]
    assert listed[1]["last_used_at"] is not None and listed[0]["last_used_at"] is None
    assert "token" not in listed[0]
    their_ids = [t["id"] for t in api.get(TOKENS, theirs).get_json()["items"]]
    assert not {t["id"] for t in listed} & set(their_ids)
    assert api.request("DELETE", f"{TOKENS}/{their_ids[0]}", mine).status_code == 404
    assert api.get(ME, theirs).status_code == 200
    assert api.request("DELETE", f"{TOKENS}/{listed[0]['id']}", mine).status_code == 204
    assert api.get(ME, named.get_json()["token"]).status_code == 401
    assert api.request("DELETE", f"{TOKENS}/{listed[0]['id']}", mine).status_code == 404
    assert api.get(TOKENS).status_code == 401


def test_a_token_name_is_bounded_and_checked(api: Api) -> None:
    api.onboard("alfa")
    api.user("admin@alfa.test", tenant="alfa", role="admin")
    body = {"email": "admin@alfa.test", "password": PASSWORD}
    response = api.post(TOKENS, json={**body, "name": "x" * 101})
    assert response.status_code == 422 and "name" in response.get_json()["errors"]


def test_last_use_is_written_at_most_once_a_minute(api: Api) -> None:
    assert USE_RESOLUTION == timedelta(minutes=1)
    api.onboard("alfa")
    token = api.user("admin@alfa.test", tenant="alfa", role="admin")
    first = api.get(TOKENS, token).get_json()["items"][0]["last_used_at"]
    assert api.get("/api/v1/tenants/alfa/areas", token).status_code == 200
    assert api.get(TOKENS, token).get_json()["items"][0]["last_used_at"] == first
