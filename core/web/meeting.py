"""The meeting page of a cycle (model C: the operative group produces the picture at its meeting),
``/t/<slug>/cykler/<id>/mote``: attendees by function, invited guests, notes, and the risk value the meeting gives
one area — with that value's series over earlier meetings as a table.

The form is loaded by the API's ``MeetingSchema`` (the personal-data guard included) and stored by
``core.cycles.service.record_meeting``, as ``PUT …/cycles/<id>/meeting`` stores it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import marshmallow as ma
from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from core.accounts.actor import current_actor
from core.charts import Chart, value_series
from core.csrf import check_form_token
from core.cycles import periods
from core.cycles import service as cycles
from core.cycles.models import Cycle, Meeting
from core.cycles.schemas import MeetingSchema
from core.db import utcnow
from core.errors import DomainError, flatten_messages
from core.i18n import N_, _
from core.lagesbild.models import AreaAssessment
from core.organisation.models import Area, Organisation, ReporterFunction
from core.tenancy import current_session
from core.web.cycle import coordinator_only, found_cycle, refusal_of
from core.web.report_form import LOCAL_MINUTE
from core.web.tenant import blp

GUEST_ROWS = 3
SERIES_SHOWN = 26
FORMS = (("physical", N_("In person")), ("phone", N_("By phone")), ("video", N_("By video")))
_schema = MeetingSchema()


def _functions() -> list[dict[str, Any]]:
    """The tenant's reporting functions with their organisations: who may attend, by function."""
    db = current_session()
    organisations = {o.id: o for o in db.scalars(select(Organisation).where(Organisation.active))}
    functions = db.scalars(select(ReporterFunction).where(ReporterFunction.active).order_by(ReporterFunction.name))
    return [
        {"key": f.key, "name": f.name, "organisation": organisations[f.organisation_id]}
        for f in functions
        if f.organisation_id in organisations
    ]


def _series() -> list[dict[str, Any]]:
    """The risk values of earlier meetings, newest first."""
    rows = current_session().execute(
        select(AreaAssessment.period, AreaAssessment.value, AreaAssessment.comment, Area.name)
        .join(Area, Area.id == AreaAssessment.area_id)
        .where(AreaAssessment.scale == "risk")
        .order_by(AreaAssessment.period.desc(), AreaAssessment.id.desc())
        .limit(SERIES_SHOWN)
    )
    return [
        {"period": period, "value": value, "comment": comment, "area": area} for period, value, comment, area in rows
    ]


def _charts(series: list[dict[str, Any]]) -> list[Chart]:
    """Each area's risk values as a chart (``charts.value_series``), oldest first; the table stays beside them."""
    by_area: dict[str, list[dict[str, Any]]] = {}
    for row in reversed(series):
        by_area.setdefault(row["area"], []).append(row)
    return [
        value_series(
            f"risk-series-{index}",
            _("{area}: risk value", area=area),
            _("The area's risk value over its latest assessments, 1–{max}.", max=g.tenant.risk_scale_max),
            [row["period"] for row in rows],
            [row["value"] for row in rows],
            # A value given on a longer scale before the tenant shortened it still fits on the chart.
            maximum=max(g.tenant.risk_scale_max, *(row["value"] for row in rows)),
            headers=(_("Period"), _("Risk value")),
        )
        for index, (area, rows) in enumerate(sorted(by_area.items()), start=1)
    ]


def _values(cycle: Cycle, meeting: Meeting | None) -> dict[str, Any]:
    zone = periods.zone(g.tenant.cadence)
    if meeting is None:
        return {"held_at": utcnow().astimezone(zone).strftime(LOCAL_MINUTE), "form": "physical", "attendee": []}
    by_name = {(f["organisation"].key, f["name"]): f["key"] for f in _functions()}
    values: dict[str, Any] = {
        "held_at": meeting.held_at.astimezone(zone).strftime(LOCAL_MINUTE),
        "form": meeting.form,
        "notes": meeting.notes,
        "attendee": [by_name.get((a["organisation"], a["function"]), "") for a in meeting.attendees],
    }
    for number, guest in enumerate(meeting.guests[:GUEST_ROWS], start=1):
        values[f"guest-organisation-{number}"], values[f"guest-function-{number}"] = (
            guest["organisation"],
            guest["function"],
        )
    risk = current_session().scalar(
        select(AreaAssessment).where(AreaAssessment.cycle_id == cycle.id, AreaAssessment.scale == "risk")
    )
    if risk is not None:
        values.update({"risk-area": str(risk.area_id), "risk-value": str(risk.value), "risk-comment": risk.comment})
    return values


def _body() -> tuple[dict[str, Any], list[int], dict[str, list[str]]]:
    """The API's meeting body the form describes, the row number of each guest in it, and the form's own errors."""
    form = request.form
    errors: dict[str, list[str]] = {}
    try:
        local = datetime.strptime(form.get("held_at", ""), LOCAL_MINUTE)
        held_at = local.replace(tzinfo=periods.zone(g.tenant.cadence)).isoformat()
    except ValueError:
        errors["held_at"] = [_("Give a date and time.")]
        held_at = utcnow().isoformat()
    chosen = set(form.getlist("attendee"))
    attendees = [{"organisation": f["organisation"].key, "function": f["name"]} for f in _functions()
                 if f["key"] in chosen]  # fmt: skip
    if not attendees:
        errors["attendee"] = [_("Choose who took part.")]
    guests, rows = [], []
    for number in range(1, GUEST_ROWS + 1):
        organisation, function = (
            form.get(f"guest-{part}-{number}", "").strip() for part in ("organisation", "function")
        )
        if organisation or function:
            guests.append({"organisation": organisation, "function": function})
            rows.append(number)
    risk = None
    if form.get("risk-area") or form.get("risk-value"):
        risk = {"area": form.get("risk-area", ""), "value": form.get("risk-value", ""),
                "comment": form.get("risk-comment", "")}  # fmt: skip
    body = {"held_at": held_at, "form": form.get("form", "physical"), "attendees": attendees, "guests": guests,
            "notes": form.get("notes", ""), "risk": risk}  # fmt: skip
    return body, rows, errors


def _form_errors(errors: dict[str, Any], guest_rows: list[int]) -> dict[str, list[str]]:
    """API field paths (``guests.0.function``, ``risk.value``) as the form's fields."""
    result: dict[str, list[str]] = {}
    for path, messages in flatten_messages(errors).items():
        parts = path.split(".")
        if parts[0] == "guests" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(guest_rows):
            name = f"guest-{parts[2]}-{guest_rows[int(parts[1])]}"
        elif parts[0] == "risk":
            name = f"risk-{parts[1] if len(parts) > 1 else 'area'}"
        elif parts[0] in ("held_at", "notes", "form"):
            name = parts[0]
        else:
            name = "attendee" if parts[0] == "attendees" else "_form"
        result.setdefault(name, []).extend(messages)
    return result


def _render(cycle: Cycle, values: dict[str, Any], errors: dict[str, list[str]] | None = None,
            refusal: dict[str, Any] | None = None, status: int = 200):  # fmt: skip
    db = current_session()
    series = _series()
    return render_template(
        "meeting.html",
        cycle=cycle,
        meeting=db.scalar(select(Meeting).where(Meeting.cycle_id == cycle.id)),
        functions=_functions(),
        areas=list(db.scalars(select(Area).where(Area.active).order_by(Area.name))),
        risk_values=range(1, g.tenant.risk_scale_max + 1),
        forms=FORMS,
        guest_rows=range(1, GUEST_ROWS + 1),
        series=series,
        charts=_charts(series),
        values=values,
        errors=errors or {},
        refusal=refusal,
    ), (refusal["status"] if refusal else status)


@blp.route("/cykler/<int:cycle_id>/mote", methods=["GET", "POST"])
def meeting_page(cycle_id: int):
    coordinator_only()
    db = current_session()
    cycle = found_cycle(cycle_id)
    if request.method != "POST":
        return _render(cycle, _values(cycle, db.scalar(select(Meeting).where(Meeting.cycle_id == cycle.id))))
    check_form_token()
    values = {**request.form, "attendee": request.form.getlist("attendee")}
    body, guest_rows, errors = _body()
    try:
        data = _schema.load(body)
        if errors:
            raise ma.ValidationError(errors)
        cycles.record_meeting(db, g.tenant, cycle, data, current_actor())
    except ma.ValidationError as error:
        db.rollback()
        found = {**_form_errors(error.messages, guest_rows), **errors}
        return _render(found_cycle(cycle_id), values, found, status=422)
    except DomainError as error:
        db.rollback()
        if error.status == 422 and error.errors:
            return _render(found_cycle(cycle_id), values, _form_errors(error.errors, guest_rows), status=422)
        return _render(found_cycle(cycle_id), values, refusal=refusal_of(error))
    db.commit()
    flash(_("The meeting record is saved."))
    return redirect(url_for("pages.cycle_page", cycle_id=cycle.id), 303)
