"""The HTTP API: flask-smorest set-up, the one error shape, and the blueprints of every resource."""

from __future__ import annotations

import marshmallow as ma
from flask import Flask, Response, make_response
from flask_smorest import Api
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from core import error_codes
from core.api import input_guard, stale
from core.api.conflicts import conflict_or_raise
from core.api.fields import IdConverter, id_parameter_schema
from core.errors import STALE_MESSAGE, DomainError, flatten_messages
from core.i18n import N_, _

API_PREFIX = "/api/v1"


LOCATIONS = ("json", "query", "files", "form", "headers", "path", "cookies")

# What an error without a message of its own says (werkzeug's and flask-smorest's own errors carry none).
DEFAULT_MESSAGES = {
    400: N_("The request could not be read."),
    401: N_("Authentication is required."),
    403: N_("Your role does not allow this."),
    404: N_("Not found."),
    405: N_("The method is not allowed here; see Allow."),
    409: N_("Conflicts with the current state."),
    412: STALE_MESSAGE,
    413: N_("The request is too large."),
    415: N_("The content type is not supported; send application/json."),
    428: N_("If-Match is missing: read the object and send its ETag."),
    429: N_("Too many attempts; wait and try again."),
    500: N_("An unexpected error occurred."),
}
INVALID = N_("The data is not valid; see errors.")


class ErrorSchema(ma.Schema):
    """The one error shape (documentation only: the handlers below write it)."""

    code = ma.fields.Integer(metadata={"description": "The HTTP status"})
    status = ma.fields.String(metadata={"description": "The HTTP status's name"})
    error = ma.fields.String(
        validate=ma.validate.OneOf(sorted(error_codes.CODES)),
        metadata={"description": "The machine code of the error (core/error_codes.py): stable, never translated"},
    )
    message = ma.fields.String(metadata={"description": "What went wrong, for people, in the caller's language"})
    errors = ma.fields.Dict(metadata={"description": "Messages by dotted field path"})


class EstApi(Api):
    """flask-smorest's Api with five mends, so every error has one shape ``{code, status, error, message,
    errors}``: validation errors are flattened to dotted field paths (``place.text``) without webargs' location level
    and get a message; an error with no message gets one in the caller's language; every error gets its machine
    code (``error``: from ``abort(..., error=code)`` or the status); 405 keeps its ``Allow`` header; domain errors
    (core.errors) are rendered the same way."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        payload, status, headers = super().handle_http_exception(error)
        data = getattr(error, "data", None) or {}
        payload["error"] = error_codes.checked(data.get("error") or error_codes.for_status(status))
        if "message" in payload:
            payload["message"] = str(payload["message"])  # a lazy text is written in the caller's language here
        elif status in DEFAULT_MESSAGES:
            payload["message"] = _(DEFAULT_MESSAGES[status])
        if status == 422 and isinstance(payload.get("errors"), dict):
            errors = payload["errors"]
            nested = {k: v for k, v in errors.items() if k in LOCATIONS}
            payload["errors"] = flatten_messages(
                {**{k: v for k, v in errors.items() if k not in LOCATIONS}, **_merge(nested.values())}
            )
            payload.setdefault("message", _(INVALID))
        response = make_response(payload, status, headers)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response


def _merge(parts) -> dict:
    merged: dict = {}
    for part in parts:
        if isinstance(part, dict):
            merged.update(part)
    return merged


def _domain_error(error: DomainError):
    from flask import jsonify

    from core.api.errors import status_name

    payload = {"code": error.status, "status": status_name(error.status), "error": error.code, "message": error.message}
    if error.errors:
        payload["errors"] = flatten_messages(error.errors)
    return jsonify(payload), error.status


def init_api(app: Flask) -> EstApi:
    app.config.update(
        API_TITLE="est",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": "est — Effektiv samordning för trygghet. Tenant-level resources live under "
                "`/api/v1/tenants/<slug>/`. Every operation states who may call it.",
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
                }
            },
        },
    )
    app.url_map.converters["int"] = IdConverter
    input_guard.init_app(app)
    api = EstApi(app)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(IntegrityError, conflict_or_raise)
    app.register_error_handler(StaleDataError, stale.stale)
    app.register_error_handler(OperationalError, stale.busy_or_raise)
    api.register_converter(IdConverter, id_parameter_schema)
    for code, description in (
        (401, "Not authenticated"),
        (403, "Authenticated, but the role does not allow this"),
        (404, "Not found — also answered for objects of a tenant the caller is not a member of"),
        (409, "Conflict with the current state"),
        (412, "Precondition failed"),
    ):
        api.spec.components.response(
            f"E{code}", {"description": description, "content": {"application/json": {"schema": "Error"}}}
        )

    from core.accounts.routes import blueprints as account_blueprints
    from core.checklists.routes import blp as checklist_blp
    from core.cycles.routes import blp as cycles_blp
    from core.distribution.routes import blp as distribution_blp
    from core.jobs.routes import blp as jobs_blp
    from core.lagesbild.routes import blp as lagesbild_blp
    from core.notifications.routes import blp as notifications_blp
    from core.organisation.routes import blueprints as organisation_blueprints
    from core.proposals.routes import blp as proposals_blp
    from core.publication.routes import blp as deliveries_blp
    from core.registry.routes import blp as plugins_blp
    from core.reports.routes import blp as reports_blp
    from core.stats.routes import blp as stats_blp
    from core.tenants.routes import blp as tenants_blp

    for blueprint in (
        *account_blueprints,
        plugins_blp,
        tenants_blp,
        jobs_blp,
        *organisation_blueprints,
        checklist_blp,
        reports_blp,
        stats_blp,
        cycles_blp,
        lagesbild_blp,
        proposals_blp,
        notifications_blp,
        distribution_blp,
        deliveries_blp,
    ):
        api.register_blueprint(blueprint)
    return api
