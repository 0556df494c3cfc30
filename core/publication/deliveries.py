"""A picture's delivery log: each recipient's outcome, and the totals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.notifications.models import OutboxMessage

STATUSES = ("queued", "sent", "retrying", "failed")


def rows(picture_id: int) -> Select:
    """The picture's outbox rows, by address."""
    return select(OutboxMessage).where(OutboxMessage.lagesbild_id == picture_id).order_by(OutboxMessage.to_address)


def totals(session: Session, picture_id: int) -> dict[str, Any]:
    """How many rows are in each status, and all of them."""
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.lagesbild_id == picture_id)
            .group_by(OutboxMessage.status)
        ).all()
    )
    return {"recipients": sum(counts.values()), **{status: counts.get(status, 0) for status in STATUSES}}
