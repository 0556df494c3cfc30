"""Speed tricks of the request path, in one place, each explained: what it saves and why it changes nothing else.

The request that sets the bar is ``POST /api/v1/tenants/<slug>/reports``: ``bench/report_ingest.py`` holds it to at
least half the throughput of a bare INSERT (``bench/floor_app.py``). Each trick here does once what cannot differ
between requests, or skips work whose result is known; none changes an answer, a check or a header. The figures are
what each saved per report POST, in process, on PostgreSQL (``bench/report_ingest.py --profile`` shows the rest).

Elsewhere, marked with a pointer to this module: the tenant binding's one statement (``core.api.tenant_blueprint``),
the per-process caches of tenant, memberships and catalogue (``core.tenants.cache``), and the input guard's scan
before a JSON walk (``core.api.input_guard``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import FunctionType
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the cookie signer for a request that carries no session
    cookie (API clients with a Bearer token: every report POST). Flask builds the signer (a key derivation) before
    it looks for the cookie, and then hands out an empty session; this hands out the same empty session at once
    (~0.04 ms). With a cookie, or without a secret key, Flask's own code runs."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


class SyncViews(Flask):
    """Flask, remembering which plain functions are synchronous. Flask asks, for every view and hook of every
    request, whether the function is a coroutine function (``inspect`` flag checks, about ten per request); a plain
    ``def`` function never changes its kind, so the answer (the function itself) is kept. Anything else — bound
    methods, ``async def`` functions — goes through Flask's ``ensure_sync`` as ever."""

    _sync_functions: dict[FunctionType, Callable[..., Any]]

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        if type(func) is not FunctionType:
            return super().ensure_sync(func)
        known = self.__dict__.setdefault("_sync_functions", {})
        if func not in known:
            known[func] = super().ensure_sync(func)
        return known[func]


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
