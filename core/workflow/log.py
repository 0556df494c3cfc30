"""One transition log for every stateful subject: which subject, from which state to which, who, when, why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import TenantScoped
from core.tenancy_keys import tenant_unique_id


class Transition(TenantScoped, Base):
    """A subject moved (``from_state`` ``None``: it was created in ``to_state``). ``by_user`` ``None``: the system."""

    __tablename__ = "transitions"
    __table_args__ = (
        tenant_unique_id(),
        Index("ix_transitions_tenant_subject", "tenant_id", "subject_kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    by_user: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(500), default="")


def record(
    session: Session, kind: str, subject_id: int, from_state: str | None, to_state: str, user_id: int | None, note: str
) -> None:
    session.add(
        Transition(
            subject_kind=kind, subject_id=subject_id, from_state=from_state, to_state=to_state, by_user=user_id,
            note=note[:500],
        )
    )  # fmt: skip


def history(session: Session, kind: str, subject_id: int) -> list[Transition]:
    """A subject's transitions, oldest first."""
    statement = select(Transition).where(Transition.subject_kind == kind, Transition.subject_id == subject_id)
    return list(session.scalars(statement.order_by(Transition.id)))
