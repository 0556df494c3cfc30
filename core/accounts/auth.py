"""Who is calling: a Bearer token (API clients) or the web session (the web pages).

A web session is a row of ``api_tokens`` (kind "session"); the signed cookie carries its secret as ``sid``, and
every cookie request checks the row, so logging out (or a password change, which deletes every row of the user)
ends it for good. A cookie-authenticated request that changes state must also carry ``X-CSRF-Token`` with the
session's token (``session["csrf"]``), so that another site cannot make a logged-in browser act.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request, session
from flask_smorest import abort

from core.accounts.models import User
from core.accounts.service import (
    SESSION,
    TOKEN,
    digest,
    issue_credential,
    note_use,
    revoke_credential,
    user_for_credential,
)
from core.i18n import _
from core.tenancy import current_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def login_session(user: User) -> str:
    """Start a web session for ``user`` (its row is committed); returns its CSRF token."""
    secret, _ = issue_credential(current_session(), user, SESSION, current_app.permanent_session_lifetime)
    current_session().commit()
    session.clear()
    session["sid"] = secret
    session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def logout_session() -> None:
    """End the web session of this cookie for good (its row is deleted and committed)."""
    session.clear()
    if g.get("credential_kind") == SESSION:
        db = current_session()
        revoke_credential(db, g.user.id, db.info["est_credential"][0], SESSION)
        db.commit()


def bearer_token() -> str | None:
    """The token of a well-formed ``Authorization: Bearer <token>`` header, else ``None``."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def credential_digest() -> str:
    """The digest of the secret the caller authenticated with (token or session): what binds the cross-tenant
    reads of ``core.accounts.service`` to the caller."""
    return g.credential_digest


def init_app(app: Flask) -> None:
    @app.before_request
    def _load_user() -> None:
        g.user = None
        header = request.headers.get("Authorization", "")
        db = current_session()
        if header:
            scheme, _space, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token:
                abort(401, message=_("Authorization must be 'Bearer <token>'."), error="auth.malformed")
            # A tenant-level URL has found the token's user already, with its tenant (core.api.tenant_blueprint),
            # and the token's digest with it.
            if "token_user" in g:
                g.user, secret_digest = g.pop("token_user")
            else:
                g.user, secret_digest = user_for_credential(db, token.strip(), TOKEN), digest(token.strip())
            if g.user is None:
                abort(401, message=_("Invalid or expired token."), error="auth.token_invalid")
            g.credential_digest, g.credential_kind = secret_digest, TOKEN
            note_use(db)
            return
        secret = session.get("sid")
        if not isinstance(secret, str):
            return
        changes_api = request.method not in SAFE_METHODS and request.path.startswith("/api/")
        if changes_api and request.headers.get("X-CSRF-Token") != session.get("csrf"):
            abort(403, message=_("X-CSRF-Token is missing or does not match."), error="auth.csrf")
        g.user = user_for_credential(db, secret, SESSION)
        if g.user is not None:
            g.credential_digest, g.credential_kind = digest(secret), SESSION
            note_use(db)
