"""``/api/v1/tenants/<slug>/proposals``: proposals and forwarding forms, until answered."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from core.accounts.actor import current_actor
from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.proposals import service
from core.proposals.models import Proposal
from core.proposals.schemas import AnswerSchema, ProposalInSchema, ProposalListArgs, ProposalSchema
from core.tenancy import current_session

blp = tenant_blueprint("proposals", "proposals", "Proposals beyond a group's mandate, and forwarding forms")


class ListArgs(PageArgs, ProposalListArgs):
    pass


@blp.route("", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_of(ProposalSchema))
def list_proposals(args: dict):
    """Proposals, newest first; ``status=open`` lists what still waits for an answer."""
    statement = select(Proposal).order_by(Proposal.id.desc())
    for name in ("status", "kind"):
        if name in args:
            statement = statement.where(getattr(Proposal, name) == args[name])
    return paginate(statement, args)


@blp.route("", methods=["POST"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(ProposalInSchema)
@blp.response(201, ProposalSchema)
def create_proposal(data: dict):
    """Propose an action beyond the group's mandate. The org model routes it: to a higher group (model B: the
    chief group) or on a forwarding form to the named department (model C)."""
    session = current_session()
    proposal = service.create(session, g.tenant, data, current_actor())
    session.commit()
    return proposal


@blp.route("/<int:proposal_id>", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.response(200, ProposalSchema)
def get_proposal(proposal_id: int):
    """One proposal (its ETag guards the answer)."""
    return service.get(current_session(), proposal_id)


@blp.route("/<int:proposal_id>/answer", methods=["POST"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.arguments(AnswerSchema)
@blp.response(200, ProposalSchema)
def answer_proposal(data: dict, proposal_id: int):
    """Record the decision (accepted/rejected, by the receiving group) or the department's reply (answered).
    Send ``If-Match``."""
    session = current_session()
    proposal = service.get(session, proposal_id)
    blp.check_etag(proposal, ProposalSchema)
    service.answer(session, g.tenant, proposal, data, current_actor())
    session.commit()
    return proposal
