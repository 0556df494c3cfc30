"""Distribution lists: every change goes through here and is recorded (who, when, what)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.distribution.models import DistributionChange, DistributionList, DistributionRecipient
from core.errors import NotFound


def get(session: Session, list_id: int) -> DistributionList:
    row = session.scalar(select(DistributionList).where(DistributionList.id == list_id))
    if row is None:
        raise NotFound("Sändlistan finns inte.")
    return row


def recipients(session: Session, list_id: int) -> list[DistributionRecipient]:
    statement = select(DistributionRecipient).where(DistributionRecipient.list_id == list_id)
    return list(session.scalars(statement.order_by(DistributionRecipient.email)))


def _log(session: Session, row: DistributionList, actor_id: int | None, action: str, **what: Any) -> None:
    session.add(DistributionChange(list_id=row.id, changed_by=actor_id, action=action, **what))


def create(session: Session, data: dict[str, Any], actor_id: int | None) -> DistributionList:
    row = DistributionList(**data)
    session.add(row)
    session.flush()
    _log(session, row, actor_id, "created", detail=f"{row.name} ({row.audience})")
    return row


def update(session: Session, row: DistributionList, data: dict[str, Any], actor_id: int | None) -> None:
    changed = {field: value for field, value in data.items() if getattr(row, field) != value}
    for field, value in changed.items():
        setattr(row, field, value)
    if changed:
        _log(session, row, actor_id, "updated", detail=", ".join(f"{f}={v}" for f, v in sorted(changed.items()))[:300])
    session.flush()


def replace_recipients(
    session: Session, row: DistributionList, wanted: list[dict[str, Any]], actor_id: int | None
) -> list[DistributionRecipient]:
    """Make the list's recipients exactly ``wanted`` (by address), recording each addition, removal and change."""
    current = {r.email: r for r in recipients(session, row.id)}
    wanted_by_email = {w["email"].lower(): w for w in wanted}
    for email, recipient in current.items():
        if email not in wanted_by_email:
            session.delete(recipient)
            _log(session, row, actor_id, "removed", email=email)
    for email, spec in wanted_by_email.items():
        recipient = current.get(email)
        values = {"name": spec["name"], "function": spec.get("function")}
        if recipient is None:
            session.add(DistributionRecipient(list_id=row.id, email=email, **values))
            _log(session, row, actor_id, "added", email=email, detail=_describe(values))
        elif (recipient.name, recipient.function) != (values["name"], values["function"]):
            recipient.name, recipient.function = values["name"], values["function"]
            _log(session, row, actor_id, "changed", email=email, detail=_describe(values))
    session.flush()
    return recipients(session, row.id)


def add_recipient(
    session: Session, row: DistributionList, spec: dict[str, Any], actor_id: int | None
) -> DistributionRecipient:
    recipient = DistributionRecipient(list_id=row.id, email=spec["email"], name=spec["name"], function=spec["function"])
    session.add(recipient)
    session.flush()
    _log(session, row, actor_id, "added", email=recipient.email, detail=_describe(spec))
    return recipient


def _describe(values: dict[str, Any]) -> str:
    return f"{values['name']}" + (f" ({values['function']})" if values.get("function") else "")
