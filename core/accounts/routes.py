"""``/api/v1/auth`` (tokens, cookie sessions, who am I) and ``/api/v1/tenants/<slug>/members``.

Members join through invitations (``core.accounts.invitation_routes``), never by an admin naming an e-mail."""

from __future__ import annotations

from flask import current_app, g
from flask_smorest import Blueprint
from sqlalchemy import select

from core.accounts import invitation_routes, members
from core.accounts.auth import credential_digest, login_session, logout_session
from core.accounts.models import ApiToken, Membership, Role, User
from core.accounts.schemas import (
    CredentialsSchema,
    MemberSchema,
    MemberUpdateSchema,
    MeSchema,
    MeUpdateSchema,
    PasswordChangeSchema,
    SessionSchema,
    TokenInfoSchema,
    TokenRequestSchema,
    TokenSchema,
)
from core.accounts.service import TOKEN, caller_memberships, issue_token, revoke_credential, set_password
from core.api import API_PREFIX
from core.api.access import authenticated, public, tenant_role
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.db import utcnow
from core.errors import DomainError, NotFound
from core.i18n import N_, _
from core.ratelimit import throttled_authenticate
from core.tenancy import current_session
from core.tenants.models import Tenant

blp = Blueprint("auth", __name__, url_prefix=f"{API_PREFIX}/auth", description="Tokens and sessions")
members_blp = tenant_blueprint("members", "members", "A tenant's members and their roles")
blueprints = (blp, members_blp, invitation_routes.blp)

WRONG_CREDENTIALS = N_("Wrong e-mail address or password.")


def _authenticate(data: dict) -> User:
    user = throttled_authenticate(current_session(), data["email"], data["password"])
    if user is None:
        raise DomainError(_(WRONG_CREDENTIALS), status=401, code="auth.credentials_wrong")
    return user


@blp.route("/tokens", methods=["POST"])
@public
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
def create_token(data: dict):
    """Exchange e-mail and password for an API token (send it as ``Authorization: Bearer <token>``), optionally
    named."""
    db = current_session()
    user = _authenticate(data)
    token, row = issue_token(db, user, current_app.config["EST"].token_ttl_days, data.get("name"))
    db.commit()
    return {"token": token, "expires_at": row.expires_at}


@blp.route("/tokens", methods=["GET"])
@authenticated
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(TokenInfoSchema))
def list_tokens(args: dict):
    """The caller's own unexpired API tokens, newest first, with their names and last use."""
    own = ApiToken.user_id == g.user.id, ApiToken.kind == TOKEN, ApiToken.expires_at > utcnow()
    return paginate(select(ApiToken).where(*own).order_by(ApiToken.id.desc()), args)


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@authenticated
@blp.response(204)
def revoke_token(token_id: int):
    """Revoke one of the caller's own API tokens (404 for anybody else's)."""
    db = current_session()
    if not revoke_credential(db, g.user.id, token_id, TOKEN):
        raise NotFound(_("Not found."))
    db.commit()


@blp.route("/password", methods=["POST"])
@authenticated
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
def change_password(data: dict):
    """Change one's own password: every token and session of the account ends, this one included."""
    db = current_session()
    if throttled_authenticate(db, g.user.email, data["current_password"]) is None:
        raise DomainError(
            _("Wrong password."), {"current_password": [_("Does not match.")]}, code="auth.password_wrong"
        )
    set_password(db, g.user, data["new_password"])
    db.commit()


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
    """Log out of the cookie session: it ends for good, whoever holds a copy of the cookie."""
    logout_session()


@blp.route("/me", methods=["GET"])
@authenticated
@blp.response(200, MeSchema)
def me():
    """The caller, their own settings, and the tenants they are a member of."""
    return _me()


def _me() -> dict:
    db = current_session()
    roles = dict(caller_memberships(db, g.user, credential_digest()))
    slugs = db.execute(select(Tenant.id, Tenant.slug).where(Tenant.id.in_(roles)).order_by(Tenant.slug)).all()
    return {
        "id": g.user.id,
        "email": g.user.email,
        "is_platform_admin": g.user.is_platform_admin,
        "locale": g.user.locale,
        "memberships": [{"tenant": slug, "role": roles[tenant_id]} for tenant_id, slug in slugs],
    }


@blp.route("/me", methods=["PATCH"])
@authenticated
@blp.arguments(MeUpdateSchema)
@blp.response(200, MeSchema)
def update_me(data: dict):
    """Change the caller's own settings: ``locale`` (``sv``, ``en``, or null to follow Accept-Language)."""
    db = current_session()
    if "locale" in data:
        user = db.get(User, g.user.id)
        user.locale = g.user.locale = g.user_locale = data["locale"]
        db.commit()
    return _me()


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
