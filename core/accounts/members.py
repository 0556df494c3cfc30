"""Tenant members: a user's role in the tenant, the organisation and function they act for, their groups.

A tenant that has an admin keeps one: no change of role and no removal may take away its last admin, whoever asks
(a platform admin too). The check runs after the write, in the same transaction, with the tenant's row locked
first (on PostgreSQL; SQLite's write lock serialises writers anyway), so two admins demoting each other at once
cannot both succeed: the second sees the first's change and is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.accounts.models import Membership, Role, User
from core.errors import Conflict, DomainError, NotFound
from core.i18n import N_, _
from core.organisation.models import Group, GroupMember, Organisation, ReporterFunction
from core.tenants.models import Tenant

LAST_ADMIN = N_("The municipality would be left without an administrator: first give somebody else the role admin.")


def key_to_id(session: Session, model: type, key: str | None, field: str) -> int | None:
    if key is None:
        return None
    row_id = session.scalar(select(model.id).where(model.key == key, model.active.is_(True)))
    if row_id is None:
        raise DomainError(_("Unknown key."), {field: [_("Unknown key.")]}, code="key.unknown")
    return row_id


def id_to_key(session: Session, model: type, row_id: int | None) -> str | None:
    return None if row_id is None else session.scalar(select(model.key).where(model.id == row_id))


def describe(session: Session, membership: Membership) -> dict[str, Any]:
    user = session.get(User, membership.user_id)
    group_keys = session.scalars(
        select(Group.key)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.membership_id == membership.id)
        .order_by(Group.key)
    ).all()
    return {
        "id": membership.id,
        "email": user.email,
        "role": membership.role,
        "organisation": id_to_key(session, Organisation, membership.organisation_id),
        "reporter_function": id_to_key(session, ReporterFunction, membership.reporter_function_id),
        "groups": list(group_keys),
    }


def get(session: Session, member_id: int) -> Membership:
    membership = session.scalar(select(Membership).where(Membership.id == member_id))
    if membership is None:
        raise NotFound(_("No such member."), code="member.not_found")
    return membership


@contextmanager
def _keeping_an_admin(session: Session, membership: Membership, field: str | None) -> Iterator[None]:
    """Around a change that may take ``membership``'s admin role away: refuse it (409, naming ``field``) when the
    tenant would be left without an admin."""
    session.execute(select(Tenant.id).where(Tenant.id == membership.tenant_id).with_for_update())
    was_admin = session.scalar(select(Membership.role).where(Membership.id == membership.id)) == Role.ADMIN
    yield
    session.flush()
    admins = session.scalar(select(func.count()).select_from(Membership).where(Membership.role == Role.ADMIN))
    if was_admin and admins == 0:
        raise Conflict(_(LAST_ADMIN), {field: [_(LAST_ADMIN)]} if field else None, code="member.last_admin")


def remove(session: Session, membership: Membership) -> None:
    """Remove a member from the tenant (the account itself stays)."""
    with _keeping_an_admin(session, membership, None):
        session.delete(membership)


def update(session: Session, membership: Membership, data: dict[str, Any]) -> None:
    if "role" in data and data["role"] != membership.role:
        with _keeping_an_admin(session, membership, "role"):
            membership.role = data["role"]
    if "organisation" in data:
        membership.organisation_id = key_to_id(session, Organisation, data["organisation"], "organisation")
    if "reporter_function" in data:
        membership.reporter_function_id = key_to_id(
            session, ReporterFunction, data["reporter_function"], "reporter_function"
        )
    session.flush()
    if "groups" in data:
        group_ids = [key_to_id(session, Group, key, "groups") for key in data["groups"]]
        session.execute(delete(GroupMember).where(GroupMember.membership_id == membership.id))
        session.add_all(GroupMember(group_id=gid, membership_id=membership.id) for gid in set(group_ids))
        session.flush()
