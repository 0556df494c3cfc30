"""Writes that lost a race: a stale write is a 412, a busy SQLite a 503 to retry — never a 500.

``StaleDataError``: a conditional UPDATE (``core.workflow.versioned``) matched no row, because another request
changed the row after this one read it — exactly what a stale ``If-Match`` is. SQLite lets one writer at a time
and answers "database is locked" when a writer waits longer than its timeout: the request changed nothing and may
be sent again.
"""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from core.api.errors import status_name
from core.errors import STALE_MESSAGE
from core.i18n import N_, _

BUSY_MESSAGE = N_("The database is busy just now; try again in a moment.")
RETRY_AFTER_SECONDS = 1


def _error(code: int, message: str, error: str) -> Response:
    response = jsonify({"code": code, "status": status_name(code), "error": error, "message": _(message)})
    response.status_code = code
    return response


def stale(_error_raised: StaleDataError) -> Response:
    return _error(412, STALE_MESSAGE, "etag.stale")


def busy_or_raise(error: OperationalError) -> Response:
    """503 with ``Retry-After`` for a locked SQLite database; any other operational error is raised again."""
    if "database is locked" not in str(error.orig):
        raise error
    response = _error(503, BUSY_MESSAGE, "database.busy")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
