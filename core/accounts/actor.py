"""Who is acting in a tenant: their role, organisation (and so leg), reporter function and groups."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.models import Membership, Role, User
from core.organisation.models import Group, GroupMember, Organisation
from core.speed import once_per_session


@dataclass(frozen=True)
class Actor:
    """A member of the tenant, or a platform admin (who acts as a tenant admin without a membership)."""

    user_id: int | None
    role: Role
    organisation_id: int | None = None
    reporter_function_id: int | None = None
    membership_id: int | None = None

    @classmethod
    def of(cls, user: User, membership: Membership | None) -> Actor:
        if membership is None:
            return cls(user_id=user.id, role=Role.ADMIN)
        return cls(
            user.id,
            Role(membership.role),
            membership.organisation_id,
            membership.reporter_function_id,
            membership.id,
        )

    @property
    def may_act_for_others(self) -> bool:
        return self.role.rank >= Role.COORDINATOR.rank

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def leg(self, session: Session) -> str | None:
        """The leg (party) of the caller's organisation (read once per transaction: ``core.speed``)."""
        if self.organisation_id is None:
            return None

        def read() -> str | None:
            return session.scalar(select(Organisation.leg).where(Organisation.id == self.organisation_id))

        return once_per_session(session, ("leg", self.organisation_id), read)

    def groups(self, session: Session) -> set[str]:
        """The active org-model groups the caller is a member of (read once per transaction: ``core.speed``)."""
        if self.membership_id is None:
            return set()

        def read() -> frozenset[str]:
            statement = (
                select(Group.key)
                .join(GroupMember, GroupMember.group_id == Group.id)
                .where(GroupMember.membership_id == self.membership_id, Group.active)
            )
            return frozenset(session.scalars(statement))

        return set(once_per_session(session, ("groups", self.membership_id), read))


def current_actor() -> Actor:
    """The caller of a tenant-level request."""
    return Actor.of(g.user, g.get("membership"))
