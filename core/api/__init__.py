"""The HTTP API: flask-smorest set-up, the one error shape, and the blueprints of every resource."""

from __future__ import annotations

import json

from flask import Flask, Response, make_response
from flask_smorest import Api
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from core.api import input_guard
from core.api.conflicts import conflict_or_raise
from core.api.fields import IdConverter, id_parameter_schema
from core.errors import DomainError, flatten_messages

API_PREFIX = "/api/v1"


LOCATIONS = ("json", "query", "files", "form", "headers", "path", "cookies")

# What an error without a message of its own says (werkzeug's and flask-smorest's own errors carry none).
DEFAULT_MESSAGES = {
    400: "Begäran kunde inte läsas.",
    401: "Inloggning krävs.",
    403: "Din roll tillåter inte detta.",
    404: "Hittades inte.",
    405: "Metoden är inte tillåten här; se Allow.",
    409: "Krockar med hur det ser ut nu.",
    412: "Någon annan har ändrat detta sedan du hämtade det (If-Match stämmer inte). Hämta det igen.",
    413: "Begäran är för stor.",
    415: "Innehållstypen stöds inte; skicka application/json.",
    428: "If-Match saknas: hämta objektet och skicka dess ETag.",
    429: "För många försök; vänta och försök igen.",
    500: "Ett oväntat fel uppstod.",
}


class EstApi(Api):
    """flask-smorest's Api with four mends, so every error has one shape ``{code, status, message, errors}``:
    validation errors are flattened to dotted field paths (``place.text``) without webargs' location level and
    get a message; an error with no message gets a Swedish one; 405 keeps its ``Allow`` header; domain errors
    (core.errors) are rendered the same way."""

    def handle_http_exception(self, error: HTTPException) -> Response:
        response = make_response(super().handle_http_exception(error))
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        payload = response.get_json(silent=True)
        if isinstance(payload, dict) and "message" not in payload and error.code in DEFAULT_MESSAGES:
            payload["message"] = DEFAULT_MESSAGES[error.code]
            response.set_data(json.dumps(payload, ensure_ascii=False))
        if error.code == 422 and isinstance(payload, dict) and isinstance(payload.get("errors"), dict):
            errors = payload["errors"]
            nested = {k: v for k, v in errors.items() if k in LOCATIONS}
            payload["errors"] = flatten_messages(
                {**{k: v for k, v in errors.items() if k not in LOCATIONS}, **_merge(nested.values())}
            )
            payload.setdefault("message", "Uppgifterna är inte giltiga; se errors.")
            response.set_data(json.dumps(payload, ensure_ascii=False))
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

    payload = {"code": error.status, "status": status_name(error.status), "message": error.message}
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
    ):
        api.register_blueprint(blueprint)
    return api
