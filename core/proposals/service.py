"""Proposals beyond a group's mandate, routed by the org model and tracked until answered."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.cycles.models import Cycle
from core.db import utcnow
from core.domain import ProposalRoute
from core.errors import Conflict, DomainError, NotFound
from core.i18n import _
from core.lagesbild.models import Lagesbild
from core.organisation.models import Area, Group
from core.proposals.models import Proposal
from core.tenants.info import tenant_info
from core.tenants.models import Tenant
from core.workflow import move as workflow
from core.workflow.machines import ProposalState


def route(tenant: Tenant, from_group: str | None) -> ProposalRoute:
    pm = current_app.extensions["est.plugins"]
    answer = pm.for_tenant(tenant_info(tenant), "est_proposal_route")(tenant=tenant_info(tenant), from_group=from_group)
    return answer or ProposalRoute(kind="forwarding_form", department_required=True)


def get(session: Session, proposal_id: int) -> Proposal:
    proposal = session.scalar(select(Proposal).where(Proposal.id == proposal_id))
    if proposal is None:
        raise NotFound(_("No such proposal."), code="proposal.not_found")
    return proposal


def create(session: Session, tenant: Tenant, data: dict[str, Any], actor: Actor) -> Proposal:
    errors: dict[str, list[str]] = {}
    for field, model in (("cycle", Cycle), ("lagesbild", Lagesbild), ("area", Area)):
        if data[field] is not None and session.scalar(select(model.id).where(model.id == data[field])) is None:
            errors[field] = [_("Does not exist.")]
    groups = set(session.scalars(select(Group.key).where(Group.active)))
    if data["from_group"] is not None and data["from_group"] not in groups:
        errors["from_group"] = [_("No such group.")]
    path = route(tenant, data["from_group"])
    if path.department_required and not data["department"]:
        errors["department"] = [_("Give the department the form is sent to.")]
    if path.group is not None and path.group not in groups:
        errors["from_group"] = [
            _("The organisation model sends the proposal to {group}, which is missing.", group=path.group)
        ]
    if errors:
        raise DomainError(_("The proposal could not be accepted."), errors, code="proposal.invalid")
    proposal = Proposal(
        kind=path.kind, title=data["title"], description=data["description"], from_group=data["from_group"],
        target_group=path.group, department=data["department"] if path.group is None else None,
        cycle_id=data["cycle"], lagesbild_id=data["lagesbild"], area_id=data["area"], created_by=actor.user_id,
    )  # fmt: skip
    session.add(proposal)
    session.flush()
    workflow.created(session, proposal, actor.user_id)
    return proposal


def answer(session: Session, tenant: Tenant, proposal: Proposal, data: dict[str, Any], actor: Actor) -> Proposal:
    """A group decides (accepted/rejected) on a proposal sent to it — only its members or a tenant admin; a
    forwarding form gets the department's reply (answered), recorded by a coordinator."""
    if proposal.status != ProposalState.OPEN:
        raise Conflict(_("The proposal is {status} already.", status=proposal.status), code="proposal.closed")
    if proposal.kind == "forwarding_form":
        if data["status"] != "answered":
            message = _("A forwarding form is answered (answered).")
            raise DomainError(message, {"status": ["answered"]}, code="proposal.answer_invalid")
    else:
        if data["status"] == "answered":
            message = _("A proposal is accepted or rejected.")
            raise DomainError(message, {"status": ["accepted", "rejected"]}, code="proposal.answer_invalid")
        if not actor.is_admin and proposal.target_group not in actor.groups(session):
            only = _("Only {group} decides on the proposal.", group=proposal.target_group)
            raise DomainError(only, status=403, code="auth.group_required")
    proposal.answer, proposal.answered_by, proposal.answered_at = data["answer"], actor.user_id, utcnow()
    workflow.move(session, tenant, proposal, data["status"], actor, "Besvarad")
    return proposal
