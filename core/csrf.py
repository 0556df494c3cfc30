"""CSRF tokens for the HTML forms (login and logout).

The token lives in Flask's session as ``session["csrf"]``: before login in the anonymous session, so that another
site cannot log a browser into an account of its choosing; ``core.accounts.auth.login_session`` replaces it at login.
The API's cookie sessions send the same token as ``X-CSRF-Token`` (checked in core.accounts.auth).
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session
from werkzeug.exceptions import BadRequest

from core.i18n import _l

FIELD = "csrf"


class CsrfRefused(BadRequest):
    description = _l("The form has expired or did not come from this page. Reload the page and try again.")


def form_token() -> str:
    """The session's token for a form's hidden ``csrf`` field, created on first use."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(24)
    return session[FIELD]


def check_form_token() -> None:
    """Refuse a form post whose ``csrf`` field is missing or is not the session's token."""
    expected, sent = session.get(FIELD, ""), request.form.get(FIELD, "")
    if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfRefused()
