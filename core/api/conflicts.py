"""Unique-constraint violations are 409s: the answer to two requests racing to create the same row.

The services check for duplicates before they insert, but two concurrent requests (the same e-mail, the same period,
the next draft number) can both pass that check; the database's unique constraint then refuses the second insert.
That is a conflict with the current state, not a server error. The error names the constraint's columns (never the
values); any other integrity error is a defect and stays a 500.
"""

from __future__ import annotations

import re

from flask import Response, jsonify
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError

from core.api.errors import status_name
from core.i18n import N_, _
from core.models import Base

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE
SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w., ]+)")
CONFLICT_MESSAGE = N_("It exists already (another request was first); read it and try again.")


def conflict_or_raise(error: IntegrityError) -> tuple[Response, int]:
    """The error handler for ``IntegrityError``: a 409 for a unique violation; anything else is raised again."""
    columns = _unique_columns(error.orig)
    if columns is None:
        raise error
    payload = {"code": 409, "status": status_name(409), "error": "conflict.duplicate", "message": _(CONFLICT_MESSAGE)}
    payload["errors"] = {column: [_("The value exists already.")] for column in columns if column != "tenant_id"}
    return jsonify(payload), 409


def _unique_columns(orig: BaseException | None) -> list[str] | None:
    if getattr(orig, "sqlstate", None) == UNIQUE_VIOLATION:
        return _constraint_columns(orig.diag.constraint_name)  # type: ignore[union-attr]
    match = SQLITE_UNIQUE.search(str(orig)) if getattr(orig, "sqlite_errorname", "").endswith("UNIQUE") else None
    if match is None:
        return None
    return [qualified.rsplit(".", 1)[-1].strip() for qualified in match["columns"].split(",")]


def _constraint_columns(name: str | None) -> list[str]:
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.name == name:
                return [column.name for column in constraint.columns]
        for index in table.indexes:
            if index.unique and index.name == name:
                return [column.name for column in index.columns]
    return []
