"""One past period through the tenant's real cycle, with the services the API uses: the system moves the cycle to
compiling at the deadline (``core.cycles.service.housekeeping``), every step of the org model's plan is compiled
(model A's leg parts and joint picture, model B's local pictures and roll-up, model C's meeting picture), the
coordinators assess (model B's local groups their own area; model C records its meeting with a risk value first),
move the cycle to assessed and publish. Then the records' times are set back to when this would have happened,
so the history reads as weeks of work and not one minute of seeding."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.cycles import periods
from core.cycles import service as cycles
from core.cycles.models import Cycle, CycleState, Meeting
from core.cycles.schemas import MeetingSchema
from core.demo import texts
from core.demo.generate import POSITIVE_SHARE
from core.lagesbild import service as lagesbild
from core.lagesbild.models import AreaAssessment, Lagesbild
from core.lagesbild.schemas import AssessmentSchema
from core.organisation.models import Area, Organisation, ReporterFunction
from core.tenants.models import Tenant
from core.workflow.log import Transition

S = CycleState
PROBLEM_SHARE = 1 - POSITIVE_SHARE
RATIO_STEPS = (0.95, 1.15, 1.35)  # problems against the usual: green up to the first, then one level per step
SERIOUS_SHARE = 0.2  # of the usual problems at the top of the severity scale: one level worse
COMPILED_AFTER = timedelta(hours=1)
PUBLISHED_AFTER = timedelta(hours=2)
MEETING_LEGS = ("kommun", "polis", "fastighetsforetag")


def run(session: Session, tenant: Tenant, cycle: Cycle, actor: Actor, usual: dict[str, float]) -> bool:
    """Move a past period's cycle from collecting (or compiling, with nothing compiled) to published; False if it is
    in any other state (someone is working on it: left alone). ``usual``: area key → its usual number of reports in
    a period, which the colours are judged against."""
    if cycle.state == S.COLLECTING:
        cycles.housekeeping(session, tenant, cycle.deadline)
    if cycle.state != S.COMPILING or cycles.latest_pictures(session, cycle):
        return False
    steps = cycles.plan(session, tenant, cycle)
    for step in steps:
        lagesbild.compile_step(session, tenant, cycle, step, actor.user_id)
    pictures = cycles.latest_pictures(session, cycle)
    final = pictures[cycles.final_step(steps).key]
    areas = {a.key: a for a in session.scalars(select(Area).where(Area.active))}
    scales = (len(tenant.severity_scale), len(tenant.assessment_scale))
    levels = {key: _level(final.statistics, key, usual.get(key, 0), *scales) for key in areas}
    for step in steps[:-1]:
        if step.scope == "area":  # model B: the local group assesses its own area
            _assess(session, tenant, pictures[step.key], {step.area: areas[step.area]}, levels, actor)
    if tenant.org_model == "C":
        _record_meeting(session, tenant, cycle, areas, levels, actor)
    _assess(session, tenant, final, areas, levels, actor)
    cycles.transition(session, tenant, cycle, S.ASSESSED, actor, f"Bedömd ({texts.MARK})")
    publish(session, tenant, cycle, actor)
    _set_back(session, tenant, cycle)
    return True


def publish(session: Session, tenant: Tenant, cycle: Cycle, actor: Actor) -> None:
    """The one place demo pictures are published (``core.lagesbild.service.publish``, reached through the cycle's
    move to published). A demo picture is history: it is not distributed to anyone."""
    cycles.transition(session, tenant, cycle, S.PUBLISHED, actor, f"Publicerad ({texts.MARK})", distribute=False)


def _level(statistics: dict[str, Any], area_key: str, usual: float, severities: int, levels: int) -> int:
    """A colour from the area's problems against what is usual there, one step worse when the most serious reports
    pile up."""
    rows = [r for r in statistics["rows"] if r["area_key"] == area_key and not r["positive"]]
    expected = PROBLEM_SHARE * usual
    level = 1 + sum(len(rows) > expected * step for step in RATIO_STEPS)
    if severities > 1 and sum(r["severity"] == severities for r in rows) > max(3, SERIOUS_SHARE * expected):
        level += 1
    return max(1, min(levels, round(level * levels / (len(RATIO_STEPS) + 1))))


def _assess(session: Session, tenant: Tenant, picture: Lagesbild, areas: dict[str, Area], levels: dict[str, int],
            actor: Actor) -> None:  # fmt: skip
    scale = list(tenant.assessment_scale)
    entries = [texts.area_assessment(picture.statistics, area.id, key, levels[key], len(scale))
               for key, area in areas.items()]  # fmt: skip
    body = AssessmentSchema().load({"summary": texts.summary([levels[k] for k in areas], scale), "areas": entries})
    lagesbild.assess(session, tenant, picture, body, actor)


def _record_meeting(session: Session, tenant: Tenant, cycle: Cycle, areas: dict[str, Area], levels: dict[str, int],
                    actor: Actor) -> None:  # fmt: skip
    """Model C: the operative group's meeting, attended by one function of each party, giving the most troubled area
    a risk value."""
    attendees = []
    for organisation in session.scalars(select(Organisation).where(Organisation.active).order_by(Organisation.id)):
        function = session.scalar(
            select(ReporterFunction.name).where(ReporterFunction.organisation_id == organisation.id)
            .order_by(ReporterFunction.id).limit(1)
        )  # fmt: skip
        if organisation.leg in MEETING_LEGS and function:
            attendees.append({"organisation": organisation.key, "function": function})
    worst = max(areas, key=lambda key: (levels[key], key))
    risk = max(1, round(levels[worst] * tenant.risk_scale_max / len(tenant.assessment_scale)))
    body = MeetingSchema().load({
        "held_at": _meeting_time(tenant, cycle).isoformat(), "form": "phone", "attendees": attendees,
        "notes": texts.meeting_notes(), "risk": {"area": areas[worst].id, "value": risk, "comment": ""},
    })  # fmt: skip
    cycles.record_meeting(session, tenant, cycle, body, actor)


def _meeting_time(tenant: Tenant, cycle: Cycle) -> datetime:
    """The tenant's meeting after the deadline (its weekday and time), or two hours after the deadline."""
    cadence = tenant.cadence
    zone = periods.zone(cadence)
    deadline = cycle.deadline.astimezone(zone)
    weekday = periods.WEEKDAYS.index(cadence.get("meeting_weekday", "thursday"))
    hour, minute = (int(part) for part in cadence.get("meeting_time", "10:00").split(":"))
    day = deadline.date() + timedelta(days=(weekday - deadline.weekday()) % 7)
    meeting = datetime.combine(day, time(hour, minute), zone)
    return meeting if meeting > deadline + COMPILED_AFTER else deadline + 2 * COMPILED_AFTER


def _set_back(session: Session, tenant: Tenant, cycle: Cycle) -> None:
    """Give the cycle's records the times they would have had: created when its period began, compiling at the
    deadline, compiled an hour later, assessed at the meeting, published two hours after it."""
    zone = periods.zone(tenant.cadence)
    compiled = cycle.deadline + COMPILED_AFTER
    assessed = _meeting_time(tenant, cycle)
    moments = {"collecting": datetime.combine(cycle.period_start, time(0), zone), "compiling": cycle.deadline,
               "compiled": compiled, "assessed": assessed, "published": assessed + PUBLISHED_AFTER}  # fmt: skip
    pictures = list(session.scalars(select(Lagesbild).where(Lagesbild.cycle_id == cycle.id)))
    for picture in pictures:
        picture.created_at = picture.compiled_at = compiled
        if picture.published_at is not None:
            picture.published_at = moments["published"]
    for assessment in session.scalars(select(AreaAssessment).where(AreaAssessment.cycle_id == cycle.id)):
        assessment.assessed_at = assessed
    for meeting in session.scalars(select(Meeting).where(Meeting.cycle_id == cycle.id)):
        meeting.created_at = assessed
    logged = session.scalars(select(Transition).where(or_(
        (Transition.subject_kind == "cycle") & (Transition.subject_id == cycle.id),
        (Transition.subject_kind == "lagesbild") & Transition.subject_id.in_([p.id for p in pictures]),
    )))  # fmt: skip
    for transition in logged:
        transition.at = moments.get(transition.to_state, transition.at)
    cycle.created_at, cycle.updated_at = moments["collecting"], moments["published"]
    session.flush()
