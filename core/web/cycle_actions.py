"""What a coordinator may do with a cycle now, under the tenant's org model: the transitions, the compile steps, the
pictures to assess and publish, and the meeting record — each found by asking the services' own rules (the same
ones the API's requests meet), never by a second copy of them. ``next_actions`` picks, per open cycle, the one
thing that waits for this person."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.cycles import service as cycles
from core.cycles.models import Cycle, CycleState, Meeting
from core.domain import CompilationStep
from core.errors import DomainError
from core.i18n import N_, _
from core.lagesbild import service as lagesbild
from core.lagesbild import steps as compiling
from core.lagesbild.models import Lagesbild
from core.tenants.models import Tenant
from core.workflow import move as workflow

S = CycleState
OPEN_STATES = (S.COLLECTING, S.COMPILING, S.ASSESSED)
MEETING_FIELDS = frozenset({"meeting", "risk"})


@dataclass
class StepView:
    """One step of the plan: its picture (if compiled), and what the actor may do with it."""

    step: CompilationStep
    picture: Lagesbild | None
    may_compile: bool
    may_assess: bool
    final: bool

    @property
    def status(self) -> str:
        return self.picture.status if self.picture is not None else "not_started"

    @property
    def ready(self) -> bool:
        return self.picture is not None and self.picture.status in cycles.COMPILED


@dataclass
class CycleActions:
    transitions: list[str] = field(default_factory=list)
    steps: list[StepView] = field(default_factory=list)
    meeting: Meeting | None = None
    meeting_relevant: bool = False
    may_record_meeting: bool = False


def _allowed(check) -> bool:
    try:
        check()
    except DomainError:
        return False
    return True


def may_move(session: Session, tenant: Tenant, cycle: Cycle, to_state: str, actor: Actor) -> bool:
    """Whether the org model lets ``actor`` move the cycle to ``to_state`` (what the move still waits for aside)."""
    groups = cycles.who_may(session, tenant, cycle, to_state)
    return _allowed(lambda: cycles.authorize(session, actor, groups, ""))


def actions(session: Session, tenant: Tenant, cycle: Cycle, actor: Actor) -> CycleActions:
    """Everything ``actor`` may do with ``cycle`` now."""
    result = CycleActions()
    if not actor.may_act_for_others:
        return result
    result.transitions = [
        to for to in cycle.machine.allowed(cycle.state) if may_move(session, tenant, cycle, to, actor)
    ]
    plan = cycles.plan(session, tenant, cycle)
    pictures = cycles.latest_pictures(session, cycle)
    final = cycles.final_step(plan)
    for step in plan:
        picture = pictures.get(step.key)
        may_compile = cycle.state == S.COMPILING and _allowed(
            lambda step=step: compiling.check_compiler(session, tenant, cycle, step, actor)
        )
        may_assess = (
            picture is not None
            and picture.status in ("compiled", "assessed")
            and cycle.state in (S.COMPILING, S.ASSESSED)
            and _allowed(lambda p=picture: lagesbild.authorize_picture(session, tenant, p, actor, "assessed", ""))
        )
        result.steps.append(StepView(step, picture, may_compile, may_assess, step is final))
    result.meeting = session.scalar(select(Meeting).where(Meeting.cycle_id == cycle.id))
    waits_for = {name for guard in workflow.guards(tenant, workflow.subject_of(cycle), S.ASSESSED)
                 for name in guard.missing}  # fmt: skip
    result.meeting_relevant = result.meeting is not None or bool(waits_for & MEETING_FIELDS)
    # The meeting record is kept by those who may move the cycle to assessed (``cycles.record_meeting``).
    result.may_record_meeting = (
        result.meeting_relevant
        and cycle.state in (S.COLLECTING, S.COMPILING)
        and may_move(session, tenant, cycle, S.ASSESSED, actor)
    )
    return result


@dataclass(frozen=True)
class NextAction:
    cycle: Cycle
    text: str
    kind: str  # transition | compile | meeting | assess
    subject: str = ""  # the step's title (the tenant's own words, in Swedish)
    picture_id: int | None = None


def next_action(session: Session, tenant: Tenant, cycle: Cycle, actor: Actor) -> NextAction | None:
    """The one thing that waits for ``actor`` in ``cycle``: compile what is theirs and ready, then the meeting
    record, then the assessment of the final picture, then moving the cycle on."""
    found = actions(session, tenant, cycle, actor)
    if cycle.state == S.COMPILING:
        done = {view.step.key for view in found.steps if view.ready}
        for view in found.steps:
            if view.may_compile and not view.ready and set(view.step.after) <= done:
                return NextAction(cycle, _("Compile"), "compile", view.step.title)
        if found.may_record_meeting and (found.meeting is None or _risk_missing(tenant, cycle)):
            return NextAction(cycle, _("Record the meeting"), "meeting")
        final = found.steps[-1]
        if final.may_assess and final.status == "compiled":
            return NextAction(cycle, _("Assess"), "assess", final.step.title, final.picture.id)
    for to_state in found.transitions:
        if to_state != S.COMPILING or cycle.state == S.COLLECTING:
            return NextAction(cycle, _(TRANSITION_LABELS[to_state]), "transition")
    return None


def _risk_missing(tenant: Tenant, cycle: Cycle) -> bool:
    missing = (guard.missing for guard in workflow.guards(tenant, workflow.subject_of(cycle), S.ASSESSED))
    return any("risk" in names for names in missing)


def next_actions(session: Session, tenant: Tenant, actor: Actor) -> list[NextAction]:
    """The next action of every open cycle (oldest period first)."""
    open_cycles = session.scalars(
        select(Cycle).where(Cycle.state.in_([s.value for s in OPEN_STATES])).order_by(Cycle.period_start).limit(4)
    )
    found = (next_action(session, tenant, cycle, actor) for cycle in open_cycles)
    return [action for action in found if action is not None]


# What the button moving a cycle to a state says (message ids).
TRANSITION_LABELS: dict[str, str] = {
    S.COMPILING: N_("Start compiling"),
    S.ASSESSED: N_("Mark as assessed"),
    S.PUBLISHED: N_("Publish the lägesbild"),
    S.CLOSED: N_("Close the cycle"),
}

# A step's picture as the plan lists it (message ids).
PICTURE_STATUS: dict[str, str] = {
    "not_started": N_("not compiled yet"),
    "draft": N_("being compiled"),
    "compiled": N_("compiled, not assessed"),
    "assessed": N_("assessed"),
    "published": N_("published"),
}
