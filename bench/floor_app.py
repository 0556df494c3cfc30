"""The floor for ``POST /api/v1/tenants/<slug>/reports``: the least a server can do to accept one report.

A minimal Flask app with one endpoint, ``POST /reports``. It does the same *validated* INSERT into the same
``reports`` table as est, as the same application role (subject to row-level security), but nothing else:
no authentication, no ORM, no marshmallow, no per-request loading of the tenant's checklist, areas or cycles.

Per request: parse JSON; check required fields and types (item key in the tenant's current checklist version,
area id in the tenant's active areas, severity in the scale, ``occurred_at`` ISO 8601 with an offset and not in
the future, a place as text and/or lat+lon); run the personal-data guard (``core.privacy.find_identifiers``, the
same detector est uses) on the free texts; compute the ISO week, period and lateness in the tenant's time zone;
then a single ``INSERT … RETURNING id`` with psycopg 3 on one autocommit connection per gunicorn worker.

Configuration (environment): ``FLOOR_DSN`` (a libpq URL for the application role), ``FLOOR_TENANT`` (slug,
default ``orebro``) and ``FLOOR_USER_ID`` (stored as ``reported_by``). Serve it like est::

    FLOOR_DSN=postgresql://est_app@127.0.0.1/est FLOOR_USER_ID=1 .venv/bin/gunicorn -w 2 bench.floor_app:app
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from core.cycles import periods
from core.privacy import find_identifiers, messages_for

FUTURE_TOLERANCE = timedelta(minutes=10)
LONGEST_WINDOW = timedelta(days=31)
INSERT = """
INSERT INTO reports (
    tenant_id, checklist_version_id, item_key, theme, positive, area_id, place_text, lat, lon, occurred_at,
    occurred_until, week, period, severity, comment, early_action, organisation_id, reporter_function_id,
    reported_by, late, source, created_at, updated_at
) VALUES (
    %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL, %s, %s, 'api', now(), now()
) RETURNING id
"""


@dataclass(frozen=True)
class Tenant:
    """What validation needs, loaded once per worker at start-up."""

    id: int
    cadence: dict[str, Any]
    zone: ZoneInfo
    severities: int
    version_id: int
    # key -> (theme, positive); retired items and items answered by one leg only are left out (the floor
    # reports for no organisation, like a coordinator without one in est)
    items: dict[str, tuple[str | None, bool]]
    areas: frozenset[int]


def _dsn() -> str:
    return os.environ["FLOOR_DSN"].replace("postgresql+psycopg://", "postgresql://", 1)


def _connect(tenant_id: int | None = None) -> psycopg.Connection:
    connection = psycopg.connect(_dsn(), autocommit=True)
    if tenant_id is not None:
        connection.execute("select set_config('est.tenant_id', %s, false)", (str(tenant_id),))
    return connection


def load_tenant(slug: str) -> Tenant:
    with _connect() as connection:
        row = connection.execute("select id, cadence, severity_scale from tenants where slug = %s", (slug,)).fetchone()
        if row is None:
            raise LookupError(f"no tenant {slug!r}")
        tenant_id, cadence, scale = row
        connection.execute("select set_config('est.tenant_id', %s, false)", (str(tenant_id),))
        version = connection.execute(
            "select id, content from checklist_versions where status = 'published' order by number desc limit 1"
        ).fetchone()
        if version is None:
            raise LookupError(f"tenant {slug!r} has no published checklist")
        areas = frozenset(r[0] for r in connection.execute("select id from areas where active"))
    items = {
        item["key"]: (item["theme"], bool(item["positive"]))
        for section in version[1]["sections"]
        for item in section["items"]
        if not item.get("retired") and section.get("answered_by") is None
    }
    zone = ZoneInfo(cadence.get("timezone", "Europe/Stockholm"))
    return Tenant(tenant_id, cadence, zone, len(scale), version[0], items, areas)


TENANT = load_tenant(os.environ.get("FLOOR_TENANT", "orebro"))
USER_ID = int(os.environ.get("FLOOR_USER_ID", "0")) or None
_connection: tuple[int, psycopg.Connection] | None = None


def connection() -> psycopg.Connection:
    """One connection per worker process (made after gunicorn forks), with the tenant set for RLS."""
    global _connection
    if _connection is None or _connection[0] != os.getpid() or _connection[1].closed:
        _connection = (os.getpid(), _connect(TENANT.id))
    return _connection[1]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _moment(value: Any, errors: dict[str, list[str]], field: str) -> datetime | None:
    if not isinstance(value, str):
        errors[field] = ["Not a valid datetime."]
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors[field] = ["Not a valid datetime."]
        return None
    if moment.tzinfo is None:
        errors[field] = ["Not a valid aware datetime."]
        return None
    return moment


def _free_text(value: Any, limit: int, errors: dict[str, list[str]], field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        errors[field] = [f"A string of at most {limit} characters."]
        return None
    kinds = find_identifiers(value) if value else []
    if kinds:
        errors[field] = messages_for(kinds)
        return None
    return value


def check(body: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The report's column values and the errors per field (empty when valid)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(body, dict):
        return {}, {"_json": ["Expected a JSON object."]}
    for field in ("item", "area", "occurred_at", "severity", "place"):
        if field not in body:
            errors[field] = ["Missing data for required field."]
    if errors:
        return {}, errors
    item = TENANT.items.get(body["item"]) if isinstance(body["item"], str) else None
    if item is None:
        errors["item"] = ["Unknown checklist item."]
    area = body["area"]
    if not isinstance(area, int) or isinstance(area, bool) or area not in TENANT.areas:
        errors["area"] = ["Unknown area."]
    severity = body["severity"]
    if not isinstance(severity, int) or isinstance(severity, bool) or not 1 <= severity <= TENANT.severities:
        errors["severity"] = [f"1-{TENANT.severities}."]
    now = datetime.now(UTC)
    occurred_at = _moment(body["occurred_at"], errors, "occurred_at")
    if occurred_at is not None and occurred_at > now + FUTURE_TOLERANCE:
        errors["occurred_at"] = ["In the future."]
    until = None
    if body.get("occurred_until") is not None:
        until = _moment(body["occurred_until"], errors, "occurred_until")
        if until is not None and occurred_at is not None and not occurred_at <= until <= occurred_at + LONGEST_WINDOW:
            errors["occurred_until"] = ["Window must end after the start and last at most 31 days."]
    place = body["place"]
    text = lat = lon = None
    if not isinstance(place, dict):
        errors["place"] = ["Expected an object."]
    else:
        text = _free_text(place.get("text"), 300, errors, "place.text")
        lat, lon = place.get("lat"), place.get("lon")
        if (lat is None) != (lon is None):
            errors["place.lat"] = ["Both lat and lon, or neither."]
        elif lat is not None and not (_number(lat) and _number(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            errors["place.lat"] = ["Not a valid point."]
        elif not text and lat is None:
            errors["place.text"] = ["A place: text and/or a point."]
    comment = _free_text(body.get("comment", ""), 4000, errors, "comment")
    early_action = _free_text(body.get("early_action", ""), 4000, errors, "early_action")
    if errors or item is None or occurred_at is None:
        return {}, errors
    local = occurred_at.astimezone(TENANT.zone)
    year, week, _ = local.isocalendar()
    period = periods.period_of(occurred_at, TENANT.cadence)
    values = {
        "item": body["item"],
        "theme": item[0],
        "positive": item[1],
        "area": area,
        "place_text": text or None,
        "lat": float(lat) if lat is not None else None,
        "lon": float(lon) if lon is not None else None,
        "occurred_at": occurred_at.astimezone(UTC),
        "occurred_until": until.astimezone(UTC) if until is not None else None,
        "week": f"{year}-W{week:02d}",
        "period": period.label,
        "severity": severity,
        "comment": comment or "",
        "early_action": early_action or "",
        "late": now > periods.deadline(period, TENANT.cadence),
    }
    return values, {}


app = Flask("est-floor")


@app.post("/reports")
def create_report() -> ResponseReturnValue:
    values, errors = check(request.get_json(silent=True))
    if errors:
        return jsonify({"code": 422, "errors": errors}), 422
    row = (
        connection()
        .execute(
            INSERT,
            (
                TENANT.id,
                TENANT.version_id,
                values["item"],
                values["theme"],
                values["positive"],
                values["area"],
                values["place_text"],
                values["lat"],
                values["lon"],
                values["occurred_at"],
                values["occurred_until"],
                values["week"],
                values["period"],
                values["severity"],
                values["comment"],
                values["early_action"],
                USER_ID,
                values["late"],
            ),
        )
        .fetchone()
    )
    assert row is not None
    return jsonify({"id": row[0], "week": values["week"], "period": values["period"]}), 201
