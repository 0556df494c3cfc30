"""Brute force: failed logins are limited per account and per client address on every login path."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace

import pytest
from flask import Flask

from config.settings import Settings
from core.app import create_app
from tests.helpers import PASSWORD, Api

EMAIL = "admin@alfa.test"


@pytest.fixture
def limits(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Small limits for this test only (conftest forgets the counts after each test)."""

    def use(account: str = "1000 per hour", address: str = "1000 per hour") -> None:
        changed = replace(app.config["EST"], login_failures_per_account=account, login_failures_per_address=address)
        monkeypatch.setitem(app.config, "EST", changed)

    return use


def _token(api: Api, email: str, password: str, address: str):
    body = {"email": email, "password": password}
    return api.client.post("/api/v1/auth/tokens", json=body, environ_base={"REMOTE_ADDR": address})


def _retry_after(response) -> int:
    assert response.status_code == 429, response.get_data(as_text=True)
    return int(response.headers["Retry-After"])


def test_failures_per_account_get_429_from_any_address(api: Api, limits) -> None:
    limits(account="3 per hour")
    api.user(EMAIL)
    api.user("other@alfa.test")
    for n in range(3):
        assert _token(api, EMAIL, "fel", f"10.0.0.{n}").status_code == 401
    locked = _token(api, EMAIL, PASSWORD, "10.0.0.99")
    assert 0 < _retry_after(locked) <= 3600
    assert locked.get_json()["code"] == 429 and "försök igen" in locked.get_json()["message"].lower()
    assert _token(api, "other@alfa.test", PASSWORD, "10.0.0.0").status_code == 201
    # The account is the normalised e-mail: another spelling does not buy more guesses.
    assert _token(api, "Admin@ALFA.test", "fel", "10.0.0.98").status_code == 429


def test_failures_per_address_get_429_across_accounts(api: Api, limits) -> None:
    limits(address="3 per hour")
    api.user(EMAIL)
    for n in range(3):
        assert _token(api, f"gissning{n}@alfa.test", "fel", "10.0.0.7").status_code == 401
    assert 0 < _retry_after(_token(api, EMAIL, PASSWORD, "10.0.0.7")) <= 3600
    assert _token(api, EMAIL, PASSWORD, "10.0.0.8").status_code == 201


def test_a_success_resets_the_account_count(api: Api, limits) -> None:
    limits(account="3 per hour")
    api.user(EMAIL)
    for _ in range(2):
        assert _token(api, EMAIL, "fel", "10.0.0.1").status_code == 401
    assert _token(api, EMAIL, PASSWORD, "10.0.0.1").status_code == 201
    for _ in range(3):
        assert _token(api, EMAIL, "fel", "10.0.0.1").status_code == 401
    assert _token(api, EMAIL, PASSWORD, "10.0.0.1").status_code == 429


def test_the_lock_ends_by_itself_and_the_right_password_then_works(api: Api, limits) -> None:
    # A window of a few seconds, so that two password checks fit in it on a busy machine too.
    limits(account="2 per 4 seconds")
    api.user(EMAIL)
    for _ in range(2):
        assert _token(api, EMAIL, "fel", "10.0.0.1").status_code == 401
    wait = _retry_after(_token(api, EMAIL, PASSWORD, "10.0.0.1"))
    assert wait <= 4
    time.sleep(wait + 1.2)  # Retry-After is whole seconds, rounded either way
    assert _token(api, EMAIL, PASSWORD, "10.0.0.1").status_code == 201


def test_the_cookie_session_login_is_limited(api: Api, limits) -> None:
    limits(account="1 per hour")
    api.user(EMAIL)
    path = "/api/v1/auth/session"
    assert api.post(path, json={"email": EMAIL, "password": "fel"}).status_code == 401
    refused = api.post(path, json={"email": EMAIL, "password": PASSWORD})
    assert _retry_after(refused) > 0 and refused.get_json()["status"] == "Too Many Requests"


def test_the_login_form_is_limited_with_a_swedish_page(api: Api, limits) -> None:
    limits(account="1 per hour")
    api.user(EMAIL)
    page = api.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert api.client.post("/login", data={"email": EMAIL, "password": "fel", "csrf": csrf}).status_code == 401
    refused = api.client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf": csrf})
    assert _retry_after(refused) > 0
    assert refused.mimetype == "text/html" and "För många misslyckade inloggningar" in refused.get_data(as_text=True)


def test_the_counts_are_shared_through_redis_when_configured(app: Flask, settings: Settings) -> None:
    storage = app.extensions["est.login_throttle"].storage
    assert type(storage).__name__ == ("RedisStorage" if settings.redis_url else "MemoryStorage")


def test_a_malformed_limit_stops_start_up(settings: Settings) -> None:
    with pytest.raises(ValueError, match="login_failures_per_account"):
        create_app(replace(settings, login_failures_per_account="många"))
