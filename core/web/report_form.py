"""The reporter's form as posted: turned into the API's report body and checked by the API's own schema
(``ReportInSchema``: the personal-data guard included), so that the page and the API accept exactly the same
reports. Errors come back keyed by the form's field names, for the error summary and the messages beside fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import marshmallow as ma

from core.errors import flatten_messages
from core.i18n import _
from core.reports.models import Report
from core.reports.schemas import ReportInSchema

WHEN = ("now", "tonight", "last_night", "exact")
EVENING = (time(18), time(23, 59))
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
# The API's field (as the schema and the service name it) → the form's field that shows its error.
FORM_FIELD = {"place.text": "place", "place.lat": "place", "place.lon": "place", "place": "place",
              "occurred_until": "when", "organisation": "item", "reporter_function": "item"}  # fmt: skip
_schema = ReportInSchema()


FORM_ORDER = ("_form", "area", "item", "when", "at", "place", "severity", "comment", "early_action")


def ordered(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Errors in the order of the form's fields, as the error summary lists them."""
    return dict(sorted(errors.items(), key=lambda error: FORM_ORDER.index(error[0]) if error[0] in FORM_ORDER else 0))


class FormErrors(Exception):
    """The form's field → its messages, in the order of the form."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("the report form has errors")
        self.errors = ordered(errors)


def form_errors(api_errors: Mapping[str, Any], when: str) -> dict[str, list[str]]:
    """Errors keyed by the API's fields (possibly nested) as errors keyed by the form's fields."""
    errors: dict[str, list[str]] = {}
    for field, messages in flatten_messages(api_errors).items():
        name = FORM_FIELD.get(field, field)
        if name == "occurred_at":
            name = "at" if when == "exact" else "when"
        errors.setdefault(name, []).extend(messages)
    return ordered(errors)


def _moment(form: Mapping[str, str], when: str, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime | None]:
    local_now = now.astimezone(zone)
    if when == "exact":
        try:
            return datetime.strptime(form.get("at", ""), LOCAL_MINUTE).replace(tzinfo=zone), None
        except ValueError:
            raise FormErrors({"at": [_("Give a date and time.")]}) from None
    if when in ("tonight", "last_night"):
        day = local_now.date() - timedelta(days=1 if when == "last_night" else 0)
        start, end = (datetime.combine(day, moment, zone) for moment in EVENING)
        if start > local_now:
            raise FormErrors({"when": [_("The evening has not begun yet.")]})
        return start, end
    return local_now.replace(second=0, microsecond=0), None


def report_body(form: Mapping[str, str], zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    """The report the form describes, loaded by the API's schema; raises ``FormErrors``."""
    when = form.get("when") if form.get("when") in WHEN else "now"
    errors: dict[str, list[str]] = {}
    for field, message in (("area", _("Choose an area.")), ("item", _("Choose what you saw.")),
                           ("severity", _("Choose a severity."))):  # fmt: skip
        if not form.get(field, "").strip():
            errors[field] = [message]
    lat, lon = (form.get(name, "").strip() or None for name in ("lat", "lon"))
    if not form.get("place", "").strip() and lat is None:
        errors["place"] = [_("Give a place.")]
    try:
        occurred_at, until = _moment(form, when, zone, now)
    except FormErrors as error:
        errors.update(error.errors)
        occurred_at, until = now, None
    body = {
        "item": form.get("item", ""),
        "area": form.get("area", ""),
        "occurred_at": occurred_at.isoformat(),
        "occurred_until": until.isoformat() if until else None,
        "severity": form.get("severity", ""),
        "place": {"text": form.get("place", "").strip() or None, "lat": lat, "lon": lon},
        "comment": form.get("comment", ""),
        "early_action": form.get("early_action", ""),
    }
    try:
        loaded = _schema.load(body)
    except ma.ValidationError as error:
        for field, messages in form_errors(error.messages, when).items():
            errors.setdefault(field, messages)
        loaded = None
    if errors or loaded is None:
        raise FormErrors(errors)
    return loaded


def values_of(report: Report, zone: ZoneInfo) -> dict[str, str]:
    """A stored report as the form's values (for editing it)."""
    return {
        "area": str(report.area_id),
        "item": report.item_key,
        "when": "exact",
        "at": report.occurred_at.astimezone(zone).strftime(LOCAL_MINUTE),
        "place": report.place_text or "",
        "lat": "" if report.lat is None else str(report.lat),
        "lon": "" if report.lon is None else str(report.lon),
        "severity": str(report.severity),
        "comment": report.comment,
        "early_action": report.early_action,
    }
