"""``/api/v1/auth`` (tokens, cookie sessions, who am I) and ``/api/v1/tenants/<slug>/members``.

Members join through invitations (``core.accounts.invitation_routes``), never by an admin naming an e-mail."""

from __future__ import annotations

from flask import current_app, g, session
from flask_smorest import Blueprint
from sqlalchemy import select

from core.accounts import invitation_routes, members
from core.accounts.auth import login_session
from core.accounts.models import Membership, Role, User
from core.accounts.schemas import (
    CredentialsSchema,
    MemberSchema,
    MemberUpdateSchema,
    MeSchema,
    SessionSchema,
    TokenSchema,
)
from core.accounts.service import issue_token
from core.api import API_PREFIX
from core.api.access import authenticated, public, tenant_role
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.errors import DomainError
from core.ratelimit import throttled_authenticate
from core.tenancy import current_session, platform_scope
from core.tenants.models import Tenant

blp = Blueprint("auth", __name__, url_prefix=f"{API_PREFIX}/auth", description="Tokens and sessions")
members_blp = tenant_blueprint("members", "members", "A tenant's members and their roles")
blueprints = (blp, members_blp, invitation_routes.blp)

WRONG_CREDENTIALS = "Fel e-postadress eller lösenord."


def _authenticate(data: dict) -> User:
    user = throttled_authenticate(current_session(), data["email"], data["password"])
    if user is None:
        raise DomainError(WRONG_CREDENTIALS, status=401)
    return user


@blp.route("/tokens", methods=["POST"])
@public
@blp.arguments(CredentialsSchema)
@blp.response(201, TokenSchema)
def create_token(data: dict):
    """Exchange e-mail and password for an API token (send it as ``Authorization: Bearer <token>``)."""
    db = current_session()
    user = _authenticate(data)
    token, row = issue_token(db, user, current_app.config["EST"].token_ttl_days)
    db.commit()
    return {"token": token, "expires_at": row.expires_at}


@blp.route("/session", methods=["POST"])
@public
@blp.arguments(CredentialsSchema)
@blp.response(201, SessionSchema)
def create_session(data: dict):
    """Log in with a cookie session (for the web pages); answers the CSRF token to send with changes."""
    user = _authenticate(data)
    current_session().commit()
    return {"email": user.email, "csrf_token": login_session(user)}


@blp.route("/session", methods=["DELETE"])
@public
@blp.response(204)
def delete_session():
    """Log out of the cookie session."""
    session.clear()


@blp.route("/me", methods=["GET"])
@authenticated
@blp.response(200, MeSchema)
def me():
    """The caller and the tenants they are a member of."""
    db = current_session()
    with platform_scope("a user's own memberships across tenants", db):
        rows = db.execute(
            select(Tenant.slug, Membership.role)
            .join(Membership, Membership.tenant_id == Tenant.id)
            .where(Membership.user_id == g.user.id)
            .order_by(Tenant.slug)
        ).all()
    return {
        "id": g.user.id,
        "email": g.user.email,
        "is_platform_admin": g.user.is_platform_admin,
        "memberships": [{"tenant": slug, "role": role} for slug, role in rows],
    }


@members_blp.route("", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@members_blp.arguments(PageArgs, location="query")
@members_blp.response(200, page_of(MemberSchema))
def list_members(args: dict):
    """The tenant's members, by e-mail."""
    db = current_session()
    page = paginate(select(Membership).join(User, User.id == Membership.user_id).order_by(User.email), args)
    page["items"] = [members.describe(db, m) for m in page["items"]]
    return page


@members_blp.route("/<int:member_id>", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@members_blp.response(200, MemberSchema)
def get_member(member_id: int):
    """One member."""
    db = current_session()
    return members.describe(db, members.get(db, member_id))


@members_blp.route("/<int:member_id>", methods=["PATCH"])
@tenant_role(Role.ADMIN)
@members_blp.arguments(MemberUpdateSchema)
@members_blp.response(200, MemberSchema)
def update_member(data: dict, member_id: int):
    """Change a member's role, organisation, reporter function or groups."""
    db = current_session()
    membership = members.get(db, member_id)
    members.update(db, membership, data)
    db.commit()
    return members.describe(db, membership)


@members_blp.route("/<int:member_id>", methods=["DELETE"])
@tenant_role(Role.ADMIN)
@members_blp.response(204)
def remove_member(member_id: int):
    """Remove a member from the tenant (the account itself stays)."""
    db = current_session()
    members.remove(db, members.get(db, member_id))
    db.commit()
