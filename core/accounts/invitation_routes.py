"""``/api/v1/tenants/<slug>/invitations``: admins invite e-mail addresses, list and revoke invitations; the owner
of an invited address accepts (see ``core.accounts.invitations``)."""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from sqlalchemy import select

from core.accounts import invitations, members
from core.accounts.models import Invitation, Role
from core.accounts.schemas import InvitationAcceptSchema, InvitationSchema, MemberSchema
from core.api.access import public, tenant_role
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.db import utcnow
from core.errors import NotFound
from core.i18n import _
from core.organisation.models import Organisation, ReporterFunction
from core.tenancy import current_session

blp = tenant_blueprint("invitations", "invitations", "Invitations to join a tenant, accepted by their addressee")


def _describe(invitation: Invitation) -> dict[str, Any]:
    db = current_session()
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "organisation": members.id_to_key(db, Organisation, invitation.organisation_id),
        "reporter_function": members.id_to_key(db, ReporterFunction, invitation.reporter_function_id),
        "state": invitation.state_at(utcnow()).value,
        "invited_at": invitation.invited_at,
        "expires_at": invitation.expires_at,
        "accepted_at": invitation.accepted_at,
    }


@blp.route("", methods=["GET"])
@tenant_role(Role.ADMIN)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(InvitationSchema))
def list_invitations(args: dict):
    """The tenant's invitations, newest first, with their state (pending, accepted, revoked, expired)."""
    page = paginate(select(Invitation).order_by(Invitation.invited_at.desc(), Invitation.id.desc()), args)
    page["items"] = [_describe(invitation) for invitation in page["items"]]
    return page


@blp.route("", methods=["POST"])
@tenant_role(Role.ADMIN)
@blp.arguments(InvitationSchema)
@blp.response(201, InvitationSchema)
def invite(data: dict):
    """Invite an e-mail address with a role; the message with the secret code is queued for it. The answer is the
    same whether or not the address has an account. Inviting a pending address again renews its invitation."""
    db = current_session()
    accept_url = url_for("invitations.accept_invitation", slug=g.tenant.slug, _external=True)
    invitation = invitations.invite(db, data, tenant=g.tenant, inviter_id=g.user.id, accept_url=accept_url)
    db.commit()
    return _describe(invitation)


@blp.route("/<int:invitation_id>", methods=["DELETE"])
@tenant_role(Role.ADMIN)
@blp.response(204)
def revoke_invitation(invitation_id: int):
    """Revoke a pending invitation: its code stops working."""
    db = current_session()
    invitations.revoke(db, invitations.get(db, invitation_id))
    db.commit()


@blp.route("/accept", methods=["POST"])
@public
@blp.arguments(InvitationAcceptSchema)
@blp.response(201, MemberSchema)
def accept_invitation(data: dict):
    """Accept an invitation with the code from its message. An address that has an account must be logged in as
    that account; a new address sends ``password`` (the password policy applies), which creates its account.
    An unknown, used, revoked or expired code — or another tenant's — is a 404."""
    if g.get("tenant") is None:
        raise NotFound(_(invitations.GONE), {"token": [_(invitations.GONE)]}, code="invitation.gone")
    db = current_session()
    membership = invitations.accept(db, data["token"], data.get("password"), g.get("user"))
    db.commit()
    return members.describe(db, membership)
