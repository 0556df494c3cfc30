"""Memberships from the CLI, and the demo accounts (demo only: `est demo`, never in production)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.models import Membership, Role, User
from core.accounts.service import upsert_user
from core.db import new_session
from core.errors import NotFound
from core.i18n import _
from core.organisation.models import Group, GroupMember, Organisation, ReporterFunction
from core.tenancy import tenant_context
from core.tenants.models import Tenant

DEMO_ROLES = (("admin", Role.ADMIN), ("samordnare", Role.COORDINATOR), ("rapportor", Role.REPORTER))


def ensure_member(session: Session, slug: str, user: User, role: str) -> Membership:
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise NotFound(_("No tenant '{slug}'.", slug=slug), code="tenant.not_found")
    with tenant_context(tenant.id, session):
        membership = session.scalar(select(Membership).where(Membership.user_id == user.id))
        if membership is None:
            membership = Membership(user_id=user.id, role=role)
            session.add(membership)
        membership.role = role
        session.flush()
    return membership


def seed_demo_accounts(slugs: list[str], password: str) -> None:
    """admin@demo.est (platform admin), and per tenant an admin, a coordinator (kommun's key function, seated in
    every group of the org model, so that one demo account can walk each step of the weekly loop) and a reporter
    (the first reporter function). One Session per tenant. ``password`` is the one exception to the password
    policy: the README's well-known demo password."""
    with new_session() as session:
        upsert_user(session, "admin@demo.est", password, platform_admin=True, demo=True)
        session.commit()
    for slug in slugs:
        with new_session() as session:
            for prefix, role in DEMO_ROLES:
                user = upsert_user(session, f"{prefix}@{slug}.demo.est", password, demo=True)
                membership = ensure_member(session, slug, user, role.value)
                with tenant_context(membership.tenant_id, session):
                    _place(session, membership, role)
            session.commit()


def _place(session: Session, membership: Membership, role: Role) -> None:
    if role is Role.REPORTER:
        function = session.scalar(select(ReporterFunction).where(ReporterFunction.active).order_by(ReporterFunction.id))
        if function is not None:
            membership.reporter_function_id = function.id
            membership.organisation_id = function.organisation_id
    elif role is Role.COORDINATOR:
        membership.organisation_id = session.scalar(
            select(Organisation.id).where(Organisation.leg == "kommun").order_by(Organisation.id)
        )
        seated = set(session.scalars(select(GroupMember.group_id).where(GroupMember.membership_id == membership.id)))
        for group_id in session.scalars(select(Group.id).where(Group.active)):
            if group_id not in seated:
                session.add(GroupMember(group_id=group_id, membership_id=membership.id))
    session.flush()
