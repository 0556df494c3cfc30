"""The cycle: created per period, moved through its states by the roles the org model allows, with a log.

The core knows the states and their order; the tenant's org model (through hooks) decides who compiles which
pictures, who may move the cycle on, and what else a transition waits for.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, defer

from core.accounts.actor import Actor
from core.accounts.models import Membership, Role
from core.cycles import periods
from core.cycles.models import Cycle, CycleState, Meeting
from core.domain import CompilationStep, CycleInfo, Guard
from core.errors import Conflict, DomainError, NotFound
from core.i18n import N_, _, _l
from core.lagesbild.models import AreaAssessment, Lagesbild
from core.notifications.service import notify
from core.organisation.models import Area, Organisation, ReporterFunction
from core.registry.manager import EstPluginManager
from core.reports.models import Report
from core.speed import once_per_session
from core.tenancy import current_tenant_id
from core.tenants.info import tenant_info
from core.tenants.models import Tenant
from core.workflow import move as workflow

S = CycleState
MEETING_MISSING = _l("meeting record missing")
RISK_MISSING = _l("risk value missing")
COMPILED = frozenset({"compiled", "assessed", "published"})
REMINDER_WINDOW = timedelta(hours=24)


def plugins() -> EstPluginManager:
    return current_app.extensions["est.plugins"]


def info(cycle: Cycle) -> CycleInfo:
    monday = cycle.period_start
    index = (monday - periods.ANCHOR).days // (7 * cycle.weeks)
    return CycleInfo(id=cycle.id, period=cycle.period, index=index, state=cycle.state, compiler_leg=cycle.compiler_leg)


def get(session: Session, cycle_id: int) -> Cycle:
    """The tenant's cycle ``cycle_id`` (404 for any other). ``Session.get`` answers from the objects the session
    holds before it asks the database (the wall's criteria apply to that query); the tenant check covers an
    object a platform-scope read may have left there."""
    cycle = session.get(Cycle, cycle_id)
    if cycle is None or cycle.tenant_id != current_tenant_id():
        raise NotFound(_("No such cycle."), code="cycle.not_found")
    return cycle


def ensure(session: Session, tenant: Tenant, moment: datetime) -> tuple[Cycle, bool]:
    """The cycle of the period containing ``moment``, created (collecting, with its deadline and rota) if new."""
    period = periods.period_of(moment, tenant.cadence)
    cycle = session.scalar(select(Cycle).where(Cycle.period == period.label))
    if cycle is not None:
        return cycle, False
    cycle = Cycle(
        period=period.label,
        period_start=period.monday,
        weeks=period.weeks,
        deadline=periods.deadline(period, tenant.cadence),
        state=S.COLLECTING.value,
    )
    session.add(cycle)
    session.flush()
    cycle.compiler_leg = plugins().for_tenant(tenant_info(tenant), "est_cycle_compiler")(
        tenant=tenant_info(tenant), cycle=info(cycle)
    )
    workflow.created(session, cycle, None, "Skapad")
    session.flush()
    return cycle, True


def open_requested(session: Session, tenant: Tenant, moment: datetime, now: datetime) -> Cycle:
    """A cycle opened on request (early or catching up): at most one period ahead of the current one, since a
    cycle's deadline and rota are fixed when it opens."""
    period = periods.period_of(moment, tenant.cadence)
    if period > periods.period_of(now, tenant.cadence).next():
        raise DomainError(
            _("The period lies too far ahead."),
            {"at": [_("A cycle opens at most one period ahead; {period} is further ahead.", period=period.label)]},
            code="cycle.too_far_ahead",
        )
    return ensure(session, tenant, moment)[0]


def plan(session: Session, tenant: Tenant, cycle: Cycle) -> list[CompilationStep]:
    """The cycle's compilation steps under the org model (read once per transaction: ``core.speed``)."""

    def compute() -> tuple[CompilationStep, ...]:
        active = select(Area.key, Area.name).where(Area.active).order_by(Area.key)
        names = dict(once_per_session(session, ("active areas",), lambda: tuple(session.execute(active))))
        steps = plugins().for_tenant(tenant_info(tenant), "est_compilation_plan")(
            tenant=tenant_info(tenant), cycle=info(cycle), areas=list(names), area_names=names
        )
        return tuple(steps or [CompilationStep(key="gemensam", title="Gemensam lägesbild")])

    return list(once_per_session(session, ("plan", cycle.id), compute))


def series(cycle: Cycle, step: CompilationStep) -> str:
    return f"cycle:{cycle.id}:{step.key}"


def latest_pictures(session: Session, cycle: Cycle) -> dict[str, Lagesbild]:
    """Step key → the newest version of that step's picture. Their statistics (~25 KB of JSON each) are read
    when first used: the plan's state needs none of them (``core.speed``)."""
    pictures: dict[str, Lagesbild] = {}
    statement = select(Lagesbild).where(Lagesbild.cycle_id == cycle.id).order_by(Lagesbild.version)
    for picture in session.scalars(statement.options(defer(Lagesbild.statistics))):
        pictures[picture.step] = picture
    return pictures


def uncompiled(pictures: dict[str, Lagesbild], keys) -> list[str]:
    """The steps among ``keys`` whose picture is not compiled yet."""
    return [key for key in keys if key not in pictures or pictures[key].status not in COMPILED]


def final_step(steps: list[CompilationStep]) -> CompilationStep:
    return steps[-1]


def deprecated_guards(session: Session, tenant: Tenant, cycle: Cycle, to_state: str) -> list[Guard]:
    """The answers of the deprecated ``est_transition_rule`` hook and ``CompilationStep.meeting`` flag, as guards
    (each with a ``DeprecationWarning``; they go after one release)."""
    answers: list[Guard] = []
    caller = plugins().for_tenant(tenant_info(tenant), "est_transition_rule")
    if caller.get_hookimpls():
        names = ", ".join(sorted({impl.plugin_name for impl in caller.get_hookimpls()}))
        warnings.warn(f"est_transition_rule ({names}) is deprecated: implement est_transition_guards",
                      DeprecationWarning, stacklevel=2)  # fmt: skip
        rule = caller(tenant=tenant_info(tenant), cycle=info(cycle), to_state=to_state)
        if rule is not None:
            risk_missing = rule.needs_risk_value and to_state == S.ASSESSED and not _risk_given(session, cycle)
            answers.append(Guard(groups=rule.groups, missing={"risk": RISK_MISSING} if risk_missing else {}))
    if to_state == S.ASSESSED and any(step.meeting for step in plan(session, tenant, cycle)):
        warnings.warn("CompilationStep.meeting is deprecated: a guard (est_transition_guards) says what is missing",
                      DeprecationWarning, stacklevel=2)  # fmt: skip
        if session.scalar(select(Meeting.id).where(Meeting.cycle_id == cycle.id)) is None:
            answers.append(Guard(missing={"meeting": MEETING_MISSING}))
    return answers


def _risk_given(session: Session, cycle: Cycle) -> bool:
    risk = select(AreaAssessment.id).where(AreaAssessment.cycle_id == cycle.id, AreaAssessment.scale == "risk")
    return session.scalar(risk) is not None


def who_may(session: Session, tenant: Tenant, cycle: Cycle, to_state: str) -> tuple[str, ...]:
    """The groups the guards name for moving the cycle into ``to_state`` (empty: any coordinator)."""
    answers = [*workflow.guards(tenant, workflow.subject_of(cycle), to_state),
               *deprecated_guards(session, tenant, cycle, to_state)]  # fmt: skip
    return tuple(dict.fromkeys(group for guard in answers for group in guard.groups))


def authorize(session: Session, actor: Actor, groups: tuple[str, ...], action: str) -> None:
    """Tenant admins always; otherwise coordinators, and — when the org model names groups — only their members."""
    if actor.is_admin:
        return
    if not actor.may_act_for_others:
        raise DomainError(_("You may not {action}.", action=action), status=403, code="auth.forbidden")
    workflow.authorize(session, actor, [Guard(groups=groups)], action)


def transition(
    session: Session,
    tenant: Tenant,
    cycle: Cycle,
    to_state: str,
    actor: Actor,
    note: str = "",
    *,
    distribute: bool = True,
) -> Cycle:
    """Move the cycle on (``core.workflow.move``): the org model's guards decide who may and what it waits for; the
    core requires a compiled plan and an assessed joint picture before ``assessed``, and publishes that picture
    with the cycle (``distribute``: as :func:`core.lagesbild.service.publish`)."""

    def core_rules() -> None:
        steps = plan(session, tenant, cycle)
        pictures = latest_pictures(session, cycle)
        if to_state == S.ASSESSED:
            _check_ready_for_assessment(steps, pictures)
        if to_state == S.PUBLISHED:
            from core.lagesbild import service as lagesbild

            lagesbild.publish(session, tenant, pictures[final_step(steps).key], actor, distribute=distribute)

    return _move(session, tenant, cycle, to_state, actor, note, core_rules)


def _move(
    session: Session, tenant: Tenant, cycle: Cycle, to_state: str, actor: Actor | None, note: str,
    core_rules: Callable[[], None] | None = None,
) -> Cycle:  # fmt: skip
    extra = deprecated_guards(session, tenant, cycle, to_state)
    from_state = workflow.move(session, tenant, cycle, to_state, actor, note, extra=extra, before=core_rules)
    plugins().for_tenant(tenant_info(tenant), "est_cycle_transitioned")(
        tenant=tenant_info(tenant), cycle=info(cycle), from_state=from_state, to_state=to_state
    )
    return cycle


def _check_ready_for_assessment(steps: list[CompilationStep], pictures: dict[str, Lagesbild]) -> None:
    missing = uncompiled(pictures, [s.key for s in steps])
    if missing:
        raise Conflict(
            _("Compile first: {steps}.", steps=", ".join(missing)), {"steps": missing}, code="cycle.steps_uncompiled"
        )
    final = pictures[final_step(steps).key]
    if final.status != "assessed" or final.assessment is None:
        raise Conflict(
            _("The joint lägesbild has no assessment."),
            {"assessment": [_("Missing.")]},
            code="cycle.assessment_missing",
        )


def coverage(session: Session, cycle: Cycle) -> dict[str, Any]:
    """Which reporting functions and organisations have reported in the cycle's period."""
    by_function = dict(
        session.execute(
            select(Report.reporter_function_id, func.count()).where(Report.period == cycle.period)
            .group_by(Report.reporter_function_id)
        ).all()
    )  # fmt: skip
    by_organisation = dict(
        session.execute(
            select(Report.organisation_id, func.count()).where(Report.period == cycle.period)
            .group_by(Report.organisation_id)
        ).all()
    )  # fmt: skip
    organisations = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.active))}
    functions = [
        {
            "key": f.key,
            "name": f.name,
            "organisation": organisations[f.organisation_id].key if f.organisation_id in organisations else None,
            "reports": by_function.get(f.id, 0),
        }
        for f in session.scalars(select(ReporterFunction).where(ReporterFunction.active).order_by(ReporterFunction.key))
    ]
    return {
        "period": cycle.period,
        "deadline": cycle.deadline,
        "functions": functions,
        "organisations": [
            {"key": o.key, "name": o.name, "leg": o.leg, "reports": by_organisation.get(o.id, 0)}
            for o in sorted(organisations.values(), key=lambda o: o.key)
        ],
        "missing_functions": [f["key"] for f in functions if f["reports"] == 0],
        "unattributed_reports": by_function.get(None, 0),
    }


def remind(session: Session, tenant: Tenant, cycle: Cycle) -> int:
    """Notify every reporter whose reporting function has not reported in the period (once per cycle)."""
    reported = set(session.scalars(select(Report.reporter_function_id).where(Report.period == cycle.period).distinct()))
    local_deadline = cycle.deadline.astimezone(periods.zone(tenant.cadence))
    count = 0
    reporters = session.scalars(
        select(Membership).where(Membership.role == Role.REPORTER.value, Membership.reporter_function_id.is_not(None))
    )
    for membership in reporters:
        if membership.reporter_function_id in reported:
            continue
        count += notify(
            session,
            membership,
            kind="reminder",
            key=f"reminder:{cycle.id}:{membership.id}",
            subject=N_("Reminder: report for {period}"),
            body=N_("Your function has not reported for {period}. The last day is {deadline}."),
            params={"period": cycle.period, "deadline": local_deadline},
        )
    return count


def housekeeping(session: Session, tenant: Tenant, now: datetime) -> dict[str, Any]:
    """What the scheduler does for one tenant: open the cycles of this and the last period, move cycles past
    their deadline from collecting to compiling, and remind reporters during the last day before a deadline."""
    period = periods.period_of(now, tenant.cadence)
    created = [ensure(session, tenant, period.start(periods.zone(tenant.cadence)) - timedelta(days=1))[1],
               ensure(session, tenant, now)[1]]  # fmt: skip
    moved, reminded = [], 0
    for cycle in session.scalars(select(Cycle).where(Cycle.state == S.COLLECTING.value)).all():
        if cycle.deadline <= now:
            _move(session, tenant, cycle, S.COMPILING, None, "Sista rapporteringsdag passerad")
            moved.append(cycle.period)
        elif cycle.deadline - now <= REMINDER_WINDOW:
            reminded += remind(session, tenant, cycle)
    session.flush()
    return {"cycles_created": sum(created), "moved_to_compiling": moved, "reminders": reminded}


def record_meeting(session: Session, tenant: Tenant, cycle: Cycle, data: dict[str, Any], actor: Actor) -> Meeting:
    """The meeting where the group produced the picture (model C): attendees by function, invited guests, and
    the risk value it gave one area — one point per meeting in that area's risk series."""
    authorize(session, actor, who_may(session, tenant, cycle, S.ASSESSED), _("keep meeting records"))
    if cycle.state not in (S.COLLECTING, S.COMPILING):
        raise Conflict(
            _("The cycle is {state}; the meeting record can no longer change.", state=cycle.state),
            code="meeting.closed",
        )
    organisations = set(session.scalars(select(Organisation.key).where(Organisation.active)))
    errors = {
        f"attendees.{i}.organisation": [_("Unknown organisation.")]
        for i, attendee in enumerate(data["attendees"])
        if attendee["organisation"] not in organisations
    }
    risk = data.get("risk")
    if risk is not None:
        if session.scalar(select(Area.id).where(Area.id == risk["area"], Area.active)) is None:
            errors["risk.area"] = [_("No such area.")]
        if not 1 <= risk["value"] <= tenant.risk_scale_max:
            errors["risk.value"] = [_("Give 1–{max}.", max=tenant.risk_scale_max)]
    if errors:
        raise DomainError(_("Invalid meeting record."), errors)
    meeting = session.scalar(select(Meeting).where(Meeting.cycle_id == cycle.id))
    if meeting is None:
        meeting = Meeting(cycle_id=cycle.id)
        session.add(meeting)
    for field in ("held_at", "form", "attendees", "guests", "notes"):
        setattr(meeting, field, data[field])
    meeting.recorded_by = actor.user_id
    session.execute(delete(AreaAssessment).where(AreaAssessment.cycle_id == cycle.id, AreaAssessment.scale == "risk"))
    if risk is not None:
        session.add(AreaAssessment(
            area_id=risk["area"], cycle_id=cycle.id, scale="risk", value=risk["value"], label=str(risk["value"]),
            period=cycle.period, comment=risk["comment"], assessed_by=actor.user_id,
        ))  # fmt: skip
    session.flush()
    return meeting
