"""Who is calling: a Bearer token (API clients) or the signed session cookie (the web pages).

A cookie-authenticated request that changes state must also carry ``X-CSRF-Token`` with the session's
token, so that another site cannot make a logged-in browser act.
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request, session
from flask_smorest import abort

from core.accounts.models import User
from core.accounts.service import user_for_token
from core.tenancy import current_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def login_session(user: User) -> str:
    """Start a cookie session for ``user``; returns its CSRF token."""
    session.clear()
    session["user_id"] = user.id
    session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def bearer_token() -> str | None:
    """The token of a well-formed ``Authorization: Bearer <token>`` header, else ``None``."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def init_app(app: Flask) -> None:
    @app.before_request
    def _load_user() -> None:
        g.user = None
        header = request.headers.get("Authorization", "")
        db = current_session()
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token:
                abort(401, message="Authorization måste vara 'Bearer <token>'.")
            # A tenant-level URL has found the token's user already, with its tenant (core.api.tenant_blueprint).
            g.user = g.pop("token_user") if "token_user" in g else user_for_token(db, token.strip())
            if g.user is None:
                abort(401, message="Ogiltig eller utgången token.")
            return
        user_id = session.get("user_id")
        if user_id is None:
            return
        changes_api = request.method not in SAFE_METHODS and request.path.startswith("/api/")
        if changes_api and request.headers.get("X-CSRF-Token") != session.get("csrf"):
            abort(403, message="X-CSRF-Token saknas eller stämmer inte.")
        user = db.get(User, user_id)
        g.user = user if user is not None and user.active else None
