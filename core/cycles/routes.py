"""``/api/v1/tenants/<slug>/cycles``: the weekly cycle, its transitions, log, coverage and meeting."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g
from sqlalchemy import select

from core.accounts.actor import current_actor
from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.fields import PeriodLabel
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.cycles import service
from core.cycles.models import Cycle, CycleState, Meeting
from core.cycles.schemas import (
    CoverageSchema,
    CycleSchema,
    EnsureCycleSchema,
    MeetingSchema,
    TransitionLogSchema,
    TransitionSchema,
)
from core.db import utcnow
from core.errors import NotFound
from core.i18n import _
from core.tenancy import current_session
from core.workflow import log

blp = tenant_blueprint("cycles", "cycles", "The reporting cycle per period, as the org model runs it")


class CycleListArgs(PageArgs):
    state = ma.fields.String(validate=ma.validate.OneOf([s.value for s in CycleState]))
    period = PeriodLabel(metadata={"description": "the cycle's period, by its first ISO week"})


def view(cycle: Cycle) -> dict[str, Any]:
    session = current_session()
    pictures = service.latest_pictures(session, cycle)
    plan = [
        {**vars(step), "lagesbild": pictures[step.key].id if step.key in pictures else None,
         "status": pictures[step.key].status if step.key in pictures else "not_started"}
        for step in service.plan(session, g.tenant, cycle)
    ]  # fmt: skip
    return {**vars(cycle), "allowed": list(cycle.machine.allowed(cycle.state)), "plan": plan}


@blp.route("", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.arguments(CycleListArgs, location="query")
@blp.response(200, page_of(CycleSchema))
def list_cycles(args: dict):
    """Cycles, newest period first."""
    statement = select(Cycle).order_by(Cycle.period_start.desc())
    for name, column in (("state", Cycle.state), ("period", Cycle.period)):
        if name in args:
            statement = statement.where(column == args[name])
    page = paginate(statement, args)
    page["items"] = [view(c) for c in page["items"]]
    return page


@blp.route("", methods=["POST"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(EnsureCycleSchema)
@blp.response(200, CycleSchema)
def ensure_cycle(data: dict):
    """Open the cycle of the period containing ``at`` (default: now), or return it if it exists. The scheduler
    does this by itself; this is for starting the next period early or catching up (further ahead is a 422)."""
    db = current_session()
    now = utcnow()
    cycle = service.open_requested(db, g.tenant, data["at"] or now, now)
    db.commit()
    return view(cycle)


@blp.route("/<int:cycle_id>", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.etag
@blp.response(200, CycleSchema)
def get_cycle(cycle_id: int):
    """A cycle with its compilation plan and the states it may move to (its ETag guards transitions)."""
    return view(service.get(current_session(), cycle_id))


@blp.route("/<int:cycle_id>/transitions", methods=["POST"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.arguments(TransitionSchema)
@blp.response(200, CycleSchema)
def transition(data: dict, cycle_id: int):
    """Move the cycle on (collecting → compiling → assessed → published → closed; assessed → compiling reopens).
    Who may, and what it waits for, is the org model's decision. An illegal move is a 409 naming the allowed
    states. Send ``If-Match`` with the cycle's ETag."""
    db = current_session()
    cycle = service.get(db, cycle_id)
    blp.check_etag(view(cycle), CycleSchema)
    service.transition(db, g.tenant, cycle, data["to"], current_actor(), data["note"])
    db.commit()
    return view(cycle)


@blp.route("/<int:cycle_id>/log", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.response(200, TransitionLogSchema(many=True))
def transition_log(cycle_id: int):
    """Who moved the cycle, from which state to which, and when."""
    db = current_session()
    cycle = service.get(db, cycle_id)
    return log.history(db, cycle.machine.kind, cycle.id)


@blp.route("/<int:cycle_id>/coverage", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.response(200, CoverageSchema)
def coverage(cycle_id: int):
    """Which reporting functions and organisations have reported in the period, and which have not."""
    db = current_session()
    return service.coverage(db, service.get(db, cycle_id))


@blp.route("/<int:cycle_id>/meeting", methods=["PUT"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(MeetingSchema)
@blp.response(200, MeetingSchema)
def record_meeting(data: dict, cycle_id: int):
    """Record the meeting where the picture was produced: attendees by function, invited guests, notes, and the
    risk value given to one area (kept as that area's weekly series)."""
    db = current_session()
    meeting = service.record_meeting(db, g.tenant, service.get(db, cycle_id), data, current_actor())
    db.commit()
    return _meeting_view(meeting)


@blp.route("/<int:cycle_id>/meeting", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.response(200, MeetingSchema)
def get_meeting(cycle_id: int):
    """The meeting record of a cycle."""
    db = current_session()
    cycle = service.get(db, cycle_id)
    meeting = db.scalar(select(Meeting).where(Meeting.cycle_id == cycle.id))
    if meeting is None:
        raise NotFound(_("No meeting is recorded."), code="meeting.not_found")
    return _meeting_view(meeting)


def _meeting_view(meeting: Meeting) -> dict[str, Any]:
    from core.lagesbild.models import AreaAssessment

    risk = current_session().scalar(
        select(AreaAssessment).where(AreaAssessment.cycle_id == meeting.cycle_id, AreaAssessment.scale == "risk")
    )
    risk_view = {"area": risk.area_id, "value": risk.value, "comment": risk.comment} if risk else None
    return {**vars(meeting), "risk": risk_view}
