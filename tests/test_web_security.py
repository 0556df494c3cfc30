"""CSRF on the login and logout forms, cookie flags, security headers, no server banner, self-hosted API docs."""

from __future__ import annotations

import re
import threading
import urllib.request
from dataclasses import replace

import pytest
from flask import Flask

from config.settings import Settings
from core.app import create_app
from core.serving import make_demo_server
from tests.helpers import PASSWORD, Api

EMAIL = "admin@alfa.test"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def _form_csrf(api: Api) -> str:
    return CSRF_FIELD.search(api.get("/login").get_data(as_text=True)).group(1)


def _log_in(api: Api) -> None:
    response = api.client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf": _form_csrf(api)})
    assert response.status_code == 302


@pytest.mark.parametrize("csrf", [None, "", "fel"])
def test_the_login_form_needs_its_csrf_token(api: Api, csrf: str | None) -> None:
    api.user(EMAIL)
    _form_csrf(api)
    data = {"email": EMAIL, "password": PASSWORD} | ({} if csrf is None else {"csrf": csrf})
    refused = api.client.post("/login", data=data)
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert "Ladda om sidan" in refused.get_data(as_text=True)
    assert "Inloggad som" not in api.get("/").get_data(as_text=True)


def test_the_login_page_answers_head(api: Api) -> None:
    assert api.client.head("/login").status_code == 200


def test_logging_in_rotates_the_csrf_token(api: Api) -> None:
    api.user(EMAIL)
    before = _form_csrf(api)
    _log_in(api)
    after = CSRF_FIELD.search(api.get("/").get_data(as_text=True)).group(1)
    assert after != before


@pytest.mark.parametrize("csrf", [None, "fel"])
def test_the_logout_form_needs_its_csrf_token(api: Api, csrf: str | None) -> None:
    api.user(EMAIL)
    _log_in(api)
    refused = api.client.post("/logout", data={} if csrf is None else {"csrf": csrf})
    assert refused.status_code == 400 and "Ladda om sidan" in refused.get_data(as_text=True)
    page = api.get("/").get_data(as_text=True)
    assert "Inloggad som" in page
    assert api.client.post("/logout", data={"csrf": CSRF_FIELD.search(page).group(1)}).status_code == 302
    assert "Inloggad som" not in api.get("/").get_data(as_text=True)


def _session_cookie(app: Flask) -> str:
    api = Api(app)
    api.user(EMAIL)
    response = api.post("/api/v1/auth/session", json={"email": EMAIL, "password": PASSWORD})
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookies_are_httponly_lax_and_secure_when_the_setting_says(app: Flask, settings: Settings) -> None:
    cookie = _session_cookie(app)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) == settings.secure_cookies
    assert "Secure" in _session_cookie(create_app(replace(settings, secure_cookies=True)))
    assert "Secure" not in _session_cookie(create_app(replace(settings, secure_cookies=False)))


def test_secure_cookies_are_on_by_default_unless_embedded(
    tmp_path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    for name in ("EST_DATABASE_URL", "EST_SECURE_COOKIES"):
        monkeypatch.delenv(name, raising=False)
    base = {"instance_path": str(tmp_path)}
    production = {**base, "database_url": "postgresql+psycopg://est_app@db/est"}
    assert Settings.from_env(base).secure_cookies is False
    assert Settings.from_env(production).secure_cookies is True
    monkeypatch.setenv("EST_SECURE_COOKIES", "0")
    assert Settings.from_env(production).secure_cookies is False
    monkeypatch.setenv("EST_SECURE_COOKIES", "kanske")
    with pytest.raises(ValueError, match="EST_SECURE_COOKIES"):
        Settings.from_env(production)


def _assert_security_headers(response) -> None:
    csp = {d.split()[0]: d.split()[1:] for d in response.headers["Content-Security-Policy"].split(";") if d.strip()}
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert not any("unsafe" in source or source == "*" for sources in csp.values() for source in sources)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "Server" not in response.headers


@pytest.fixture
def failing_app(settings: Settings) -> Flask:
    app = create_app(settings)

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    return app


def test_security_headers_on_every_kind_of_response(api: Api, failing_app: Flask) -> None:
    token = api.user(EMAIL, admin=True)
    responses = {
        "api": api.get("/api/v1/auth/me", token),
        "api error": api.get("/api/v1/tenants/finns-inte", token),
        "page": api.get("/login"),
        "404": api.get("/finns-inte"),
        "docs": api.get("/api/v1/docs"),
        "500": failing_app.test_client().get("/boom"),
    }
    assert responses["500"].status_code == 500 and responses["404"].status_code == 404
    for kind, response in responses.items():
        try:
            _assert_security_headers(response)
        except (AssertionError, KeyError) as error:
            raise AssertionError(f"{kind}: {dict(response.headers)}") from error


def test_hsts_only_over_https(api: Api) -> None:
    assert "Strict-Transport-Security" not in api.get("/login").headers
    hsts = api.client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000


def test_forwarded_headers_count_only_behind_a_trusted_proxy(api: Api, settings: Settings) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert "Strict-Transport-Security" not in api.get("/login", headers=forwarded).headers
    proxied = create_app(replace(settings, trusted_proxies=1)).test_client()
    assert "Strict-Transport-Security" in proxied.get("/login", headers=forwarded).headers


def test_authenticated_responses_are_not_stored(api: Api) -> None:
    token = api.user(EMAIL, admin=True)
    assert api.get("/api/v1/auth/me", token).headers["Cache-Control"] == "no-store"
    issued = api.post("/api/v1/auth/tokens", json={"email": EMAIL, "password": PASSWORD})
    assert issued.headers["Cache-Control"] == "no-store"
    _log_in(api)
    assert api.get("/").headers["Cache-Control"] == "no-store"


def test_the_demo_server_names_no_versions(app: Flask) -> None:
    server = make_demo_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/login") as response:
            banner = response.headers.get("Server", "")
            assert response.status == 200
    finally:
        server.shutdown()
    assert not re.search(r"werkzeug|python|\d", banner, re.IGNORECASE), banner


ASSET = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"')


def _assert_self_contained(api: Api, html: str) -> list[str]:
    """No other origin, no inline script or style; every script and stylesheet is served by est."""
    # a path on est, a place on the page, or an e-mail address to write to (none of them loads anything)
    assert not re.search(r"(?:src|href|action)=\"(?![/#]|mailto:)", html), html
    assert "<style" not in html and " style=" not in html
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.DOTALL):
        assert not script.strip(), script
    assert len(re.findall(r"<script\b", html)) == len(re.findall(r"<script\b[^>]*\bsrc=", html))
    assets = ASSET.findall(html)
    for path in assets:
        response = api.get(path)
        assert response.status_code == 200, path
        assert response.mimetype in ("text/css", "text/javascript", "application/javascript", "image/png"), path
    return assets


def test_api_docs_are_served_by_est_alone(api: Api) -> None:
    response = api.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assets = _assert_self_contained(api, html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    spec = re.search(r'data-spec-url="([^"]+)"', html).group(1)
    assert api.get(spec).get_json()["openapi"].startswith("3.")


def test_the_login_page_has_no_inline_style(api: Api) -> None:
    assert any(a.endswith(".css") for a in _assert_self_contained(api, api.get("/login").get_data(as_text=True)))
