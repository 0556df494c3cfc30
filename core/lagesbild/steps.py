"""Who may compile which step of a cycle's plan, and how a picture is published: the rules the API and the pages
share, so that a button on a page and a request to the API are refused for the same reasons."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.cycles import service as cycles
from core.cycles.models import Cycle, CycleState
from core.domain import CompilationStep
from core.errors import Conflict, DomainError
from core.i18n import _
from core.lagesbild import service
from core.lagesbild.models import Lagesbild
from core.tenants.models import Tenant

PUBLISHED_CYCLE = (CycleState.PUBLISHED, CycleState.CLOSED)


def check_compiler(session: Session, tenant: Tenant, cycle: Cycle, step: CompilationStep, actor: Actor) -> None:
    """Refuse (403) an actor the org model does not let compile ``step``: the step's group, each party its own part,
    and the rota's leg the joint picture (model A)."""
    cycles.authorize(session, actor, (step.group,) if step.group else (), _("compile {step}", step=step.title))
    if actor.is_admin:
        return
    leg = actor.leg(session)
    if step.scope == "leg" and leg != step.leg:
        raise DomainError(_("Each party compiles its own reports."), status=403, code="lagesbild.own_leg_only")
    if step.compiler_leg and cycle.compiler_leg and leg != cycle.compiler_leg:
        raise DomainError(
            _("This period {leg} compiles.", leg=cycle.compiler_leg), status=403, code="lagesbild.compiler_leg_only"
        )


def authorized_step(session: Session, tenant: Tenant, cycle: Cycle, step_key: str, actor: Actor) -> CompilationStep:
    """The step ``step_key`` of the cycle's plan, if ``actor`` may compile it now (else 422, 409 or 403)."""
    plan = {s.key: s for s in cycles.plan(session, tenant, cycle)}
    step = plan.get(step_key)
    if step is None:
        raise DomainError(
            _("The step is not in the cycle's plan."),
            {"step": [_("There are: {steps}.", steps=", ".join(plan))]},
            code="lagesbild.step_unknown",
        )
    if cycle.state != CycleState.COMPILING:
        raise Conflict(_(service.COMPILING_ONLY, state=_(cycle.state)), code="cycle.not_compiling")
    check_compiler(session, tenant, cycle, step, actor)
    missing = cycles.uncompiled(cycles.latest_pictures(session, cycle), step.after)
    if missing:
        raise Conflict(
            _("Compile first: {steps}.", steps=", ".join(missing)), {"steps": missing}, code="cycle.steps_uncompiled"
        )
    return step


def publish(session: Session, tenant: Tenant, picture: Lagesbild, actor: Actor) -> Lagesbild:
    """Publish an assessed picture by itself. A cycle's picture is published with its cycle (moving the cycle to
    published); only a later, corrected version of it is published alone."""
    service.authorize_picture(session, tenant, picture, actor, "published", _("publish the lägesbild"))
    if picture.cycle_id is not None and cycles.get(session, picture.cycle_id).state not in PUBLISHED_CYCLE:
        raise Conflict(
            _("A cycle's lägesbild is published by moving the cycle to published."), code="lagesbild.published_by_cycle"
        )
    return service.publish(session, tenant, picture, actor)
