"""Distribution lists: every change goes through here and is recorded (who, when, what)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.models import Membership, User
from core.distribution.models import DistributionChange, DistributionList, DistributionRecipient
from core.errors import DomainError, NotFound
from core.i18n import _
from core.organisation.models import Group, GroupMember


def get(session: Session, list_id: int) -> DistributionList:
    row = session.scalar(select(DistributionList).where(DistributionList.id == list_id))
    if row is None:
        raise NotFound(_("No such distribution list."), code="distribution.not_found")
    return row


def recipients(session: Session, list_id: int) -> list[dict[str, Any]]:
    """The list's recipients as the API shows them (a group by its key), addresses first."""
    rows = session.execute(
        select(DistributionRecipient, Group.key)
        .outerjoin(Group, Group.id == DistributionRecipient.group_id)
        .where(DistributionRecipient.list_id == list_id)
        .order_by(DistributionRecipient.email.is_(None), DistributionRecipient.email, Group.key)
    )
    return [{**_fields(r), "id": r.id, "email": r.email, "group": key} for r, key in rows]


def addresses(session: Session, list_id: int) -> list[dict[str, str]]:
    """Every address the list reaches now: its own, and those of its groups' members (so a list with a group keeps
    in step with the group). One entry per address, naming what reaches it."""
    reached: dict[str, list[str]] = {}
    for email in session.scalars(
        select(DistributionRecipient.email).where(
            DistributionRecipient.list_id == list_id, DistributionRecipient.email.is_not(None)
        )
    ):
        reached.setdefault(email, []).append(email)
    members = session.execute(
        select(User.email, Group.key)
        .join(Membership, Membership.user_id == User.id)
        .join(GroupMember, GroupMember.membership_id == Membership.id)
        .join(Group, Group.id == GroupMember.group_id)
        .join(DistributionRecipient, DistributionRecipient.group_id == Group.id)
        .where(DistributionRecipient.list_id == list_id)
    )
    for email, key in members:
        reached.setdefault(email.lower(), []).append(f"group:{key}")
    return [{"email": email, "via": ", ".join(sorted(via))} for email, via in sorted(reached.items())]


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


def _groups(session: Session, specs: list[dict[str, Any]], field: str) -> dict[str, Group]:
    """The groups ``specs`` name, by key; an unknown or retired one is a 422 naming ``field`` (with its index)."""
    wanted = {spec["group"] for spec in specs if spec.get("group")}
    found = {g.key: g for g in session.scalars(select(Group).where(Group.key.in_(wanted), Group.active.is_(True)))}
    errors = {
        field.format(index=index): [_("Unknown group '{group}'.", group=spec["group"])]
        for index, spec in enumerate(specs)
        if spec.get("group") and spec["group"] not in found
    }
    if errors:
        raise DomainError(_("The data is not valid; see errors."), errors)
    return found


def _target(spec: dict[str, Any], groups: dict[str, Group]) -> tuple[str, dict[str, Any]]:
    """What identifies a recipient (its address, or ``group:<key>``) and its column values."""
    if spec.get("group"):
        group = groups[spec["group"]]
        values = {"email": None, "group_id": group.id, "name": spec.get("name") or group.name}
        return f"group:{group.key}", {**values, "function": spec.get("function")}
    return spec["email"].lower(), {"email": spec["email"].lower(), "group_id": None, "name": spec["name"],
                                   "function": spec.get("function")}  # fmt: skip


def _fields(recipient: DistributionRecipient) -> dict[str, Any]:
    return {"name": recipient.name, "function": recipient.function}


def _describe(target: str, values: dict[str, Any]) -> dict[str, Any]:
    """The change log's ``email`` and ``detail`` of a recipient."""
    detail = values["name"] + (f" ({values['function']})" if values.get("function") else "")
    if values.get("email"):
        return {"email": values["email"], "detail": detail}
    return {"email": None, "detail": f"{target}: {detail}"[:300]}


def replace_recipients(
    session: Session, row: DistributionList, wanted: list[dict[str, Any]], actor_id: int | None
) -> None:
    """Make the list's recipients exactly ``wanted`` (by address or group), recording each addition, removal and
    change."""
    groups = _groups(session, wanted, "recipients.{index}.group")
    current = {}
    for recipient, key in session.execute(
        select(DistributionRecipient, Group.key)
        .outerjoin(Group, Group.id == DistributionRecipient.group_id)
        .where(DistributionRecipient.list_id == row.id)
    ):
        current[recipient.email or f"group:{key}"] = recipient
    targets = dict(_target(spec, groups) for spec in wanted)
    for target, recipient in current.items():
        if target not in targets:
            session.delete(recipient)
            _log(
                session, row, actor_id, "removed", **_describe(target, {**_fields(recipient), "email": recipient.email})
            )
    for target, values in targets.items():
        recipient = current.get(target)
        if recipient is None:
            session.add(DistributionRecipient(list_id=row.id, **values))
            _log(session, row, actor_id, "added", **_describe(target, values))
        elif _fields(recipient) != {"name": values["name"], "function": values["function"]}:
            recipient.name, recipient.function = values["name"], values["function"]
            _log(session, row, actor_id, "changed", **_describe(target, values))
    session.flush()


def add_recipient(session: Session, row: DistributionList, spec: dict[str, Any], actor_id: int | None) -> int:
    """Add one recipient; returns its id (409 when it is on the list already)."""
    target, values = _target(spec, _groups(session, [spec], "group"))
    recipient = DistributionRecipient(list_id=row.id, **values)
    session.add(recipient)
    session.flush()
    _log(session, row, actor_id, "added", **_describe(target, values))
    return recipient.id
