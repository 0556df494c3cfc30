"""Proposals beyond a group's mandate, ``/t/<slug>/forslag``: as the org model routes them — to a higher group
(model B: from a local group to the chief group, which accepts or rejects) or on a forwarding form to a department
(model C: answered with the department's reply). Stored by ``core.proposals.service``, as the API stores them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from core.accounts.actor import current_actor
from core.csrf import check_form_token
from core.errors import DomainError, NotFound, flatten_messages
from core.i18n import N_, _
from core.organisation.models import Group
from core.proposals import service
from core.proposals.models import Proposal
from core.proposals.schemas import AnswerSchema, ProposalInSchema
from core.tenancy import current_session
from core.web.cycle import check_revision, coordinator_only, refusal_of
from core.web.tenant import PageNotFound, blp

SHOWN = 50
STATUS = {"open": N_("open"), "accepted": N_("accepted"), "rejected": N_("rejected"), "answered": N_("answered")}
DECISIONS = (("accepted", N_("Accept")), ("rejected", N_("Reject")))
_proposal_schema, _answer_schema = ProposalInSchema(), AnswerSchema()


def _groups() -> list[Group]:
    """The groups the caller may propose from: their own (an admin: every group)."""
    db = current_session()
    actor = current_actor()
    statement = select(Group).where(Group.active).order_by(Group.name)
    if not actor.is_admin:
        statement = statement.where(Group.key.in_(actor.groups(db)))
    return list(db.scalars(statement))


def _may_answer(proposal: Proposal, mine: set[str]) -> bool:
    """A forwarding form's reply is recorded by any coordinator; a proposal is decided by its target group."""
    if proposal.status != "open":
        return False
    return proposal.kind == "forwarding_form" or current_actor().is_admin or proposal.target_group in mine


def _render(values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
            refusal: dict[str, Any] | None = None, status: int = 200):  # fmt: skip
    db = current_session()
    mine = current_actor().groups(db)
    proposals = list(db.scalars(select(Proposal).order_by(Proposal.status != "open", Proposal.id.desc()).limit(SHOWN)))
    names = {group.key: group.name for group in db.scalars(select(Group))}
    return render_template(
        "proposals.html",
        route=service.route(g.tenant, None),
        groups=_groups(),
        group_names=names,
        proposals=[(p, _may_answer(p, mine)) for p in proposals],
        statuses=STATUS,
        decisions=DECISIONS,
        values=values or {"cycle": request.args.get("cykel", "")[:12]},
        errors=errors or {},
        refusal=refusal,
    ), (refusal["status"] if refusal else status)


@blp.route("/forslag")
def proposals_page():
    coordinator_only()
    return _render()


def _form_errors(errors: dict[str, Any]) -> dict[str, list[str]]:
    fields = {"title", "description", "from_group", "department"}
    result: dict[str, list[str]] = {}
    for name, messages in flatten_messages(errors).items():
        result.setdefault(name if name in fields else "_form", []).extend(messages)
    return result


@blp.route("/forslag", methods=["POST"])
def create_proposal():
    coordinator_only()
    check_form_token()
    db = current_session()
    form = request.form
    body = {"title": form.get("title", ""), "description": form.get("description", ""),
            "from_group": form.get("from_group") or None, "department": form.get("department") or None,
            "cycle": form.get("cycle") or None}  # fmt: skip
    try:
        service.create(db, g.tenant, _proposal_schema.load(body), current_actor())
    except ma.ValidationError as error:
        db.rollback()
        return _render(dict(form), _form_errors(error.messages), status=422)
    except DomainError as error:
        db.rollback()
        if error.status == 422 and error.errors:
            return _render(dict(form), _form_errors(error.errors), status=422)
        return _render(dict(form), refusal=refusal_of(error))
    db.commit()
    flash(_("The proposal is sent."))
    return redirect(url_for("pages.proposals_page"), 303)


@blp.route("/forslag/<int:proposal_id>/svar", methods=["GET", "POST"])
def answer_proposal(proposal_id: int):
    if request.method != "POST":
        return redirect(url_for("pages.proposals_page"), 303)
    coordinator_only()
    check_form_token()
    db = current_session()
    try:
        proposal = service.get(db, proposal_id)
    except NotFound:
        raise PageNotFound() from None
    body = {"status": request.form.get("status", ""), "answer": request.form.get("answer", "")}
    try:
        check_revision(proposal)
        service.answer(db, g.tenant, proposal, _answer_schema.load(body), current_actor())
    except ma.ValidationError as error:
        db.rollback()
        message = {"_form": [m for messages in flatten_messages(error.messages).values() for m in messages]}
        return _render(errors=message, status=422)
    except DomainError as error:
        db.rollback()
        return _render(refusal=refusal_of(error))
    db.commit()
    flash(_("The answer is saved."))
    return redirect(url_for("pages.proposals_page"), 303)
