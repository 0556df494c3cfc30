"""Checklist versions: the first copy at onboarding, drafts, publishing, and the current version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.accounts.actor import Actor
from core.checklists import content as checklist_content
from core.checklists.models import ChecklistVersion
from core.db import utcnow
from core.domain import ChecklistVariant
from core.errors import Conflict, NotFound
from core.i18n import N_, _, tenant_text
from core.tenants.models import Tenant
from core.workflow import move as workflow
from core.workflow.machines import ChecklistVersionState
from core.workflow.versioned import claim

V = ChecklistVersionState

FORMER_ITEMS = {"key": "tidigare", "title": "Tidigare punkter", "answered_by": None}
FROM_VARIANT = N_("From {variant}")  # a new draft's note, stored in the tenant's language


def current(session: Session) -> ChecklistVersion:
    version = session.scalar(
        select(ChecklistVersion).where(ChecklistVersion.status == "published").order_by(ChecklistVersion.number.desc())
    )
    if version is None:
        raise NotFound(_("No published checklist."), code="checklist.not_published")
    return version


def get(session: Session, version_id: int) -> ChecklistVersion:
    version = session.scalar(select(ChecklistVersion).where(ChecklistVersion.id == version_id))
    if version is None:
        raise NotFound(_("No such version."), code="checklist.version_not_found")
    return version


_published_items: dict[tuple, dict[str, checklist_content.Item]] = {}


def items_of(version: ChecklistVersion) -> dict[str, checklist_content.Item]:
    """Item key → item of a version; cached per published version, whose content never changes (the key
    includes the publication time, so a row id reused after a deletion never hits a stale entry)."""
    if version.status == "draft":
        return checklist_content.index(version.content)
    key = (version.tenant_id, version.id, version.published_at)
    items = _published_items.get(key)
    if items is None:
        if len(_published_items) >= 4096:
            _published_items.clear()
        items = _published_items[key] = checklist_content.index(version.content)
    return items


def _next_number(session: Session) -> int:
    return (session.scalar(select(func.max(ChecklistVersion.number))) or 0) + 1


def _publish(session: Session, tenant: Tenant, version: ChecklistVersion, actor: Actor | None) -> None:
    published = session.scalars(select(ChecklistVersion).where(ChecklistVersion.status == V.PUBLISHED)).all()
    for previous in published:
        workflow.move(session, tenant, previous, V.SUPERSEDED, None, f"Ersatt av version {version.number}")
    version.published_at = utcnow()
    workflow.move(session, tenant, version, V.PUBLISHED, actor, "Publicerad")


def _created(session: Session, version: ChecklistVersion) -> ChecklistVersion:
    session.add(version)
    session.flush()
    workflow.created(session, version, version.created_by)
    return version


def ensure_for_variant(session: Session, tenant: Tenant, variant: ChecklistVariant) -> None:
    """At onboarding: publish the variant's checklist as version 1, or — when the tenant switches variant — as a
    new version in which the former items are kept, retired, so that old reports and trends stay readable."""
    latest = session.scalar(select(ChecklistVersion).order_by(ChecklistVersion.number.desc()))
    if latest is not None and latest.variant == variant.key:
        return
    new = checklist_content.from_variant(variant)
    if latest is not None:
        known = set(checklist_content.item_keys(new))
        former = [
            {**item, "retired": True}
            for section in latest.content["sections"]
            for item in section["items"]
            if item["key"] not in known
        ]
        if former:
            new["sections"].append({**FORMER_ITEMS, "items": former})
    version = _created(session, ChecklistVersion(
        number=_next_number(session), status=V.DRAFT, variant=variant.key, content=new,
        note=tenant_text(FROM_VARIANT, variant=variant.name),
    ))  # fmt: skip
    _publish(session, tenant, version, None)


def create_draft(session: Session, data: dict[str, Any], user_id: int) -> ChecklistVersion:
    if session.scalar(select(ChecklistVersion.id).where(ChecklistVersion.status == "draft")) is not None:
        raise Conflict(_("There is a draft already; change or publish it."), code="checklist.draft_exists")
    base = current(session)
    content = data.get("content")
    content = base.content if content is None else checklist_content.validate(content, base.content)
    return _created(session, ChecklistVersion(
        number=_next_number(session),
        status=V.DRAFT,
        variant=base.variant,
        content=content,
        note=data.get("note", ""),
        created_by=user_id,
    ))  # fmt: skip


def _draft(version: ChecklistVersion) -> ChecklistVersion:
    if version.status != V.DRAFT:
        raise Conflict(_("Published versions never change; create a new draft."), code="checklist.published_immutable")
    return version


# The callers pass the version they checked ``If-Match`` against: loading it again could read a newer state.


def update_draft(session: Session, version: ChecklistVersion, data: dict[str, Any]) -> ChecklistVersion:
    draft = _draft(version)
    claim(session, draft, "content")
    draft.content = checklist_content.validate(data["content"], current(session).content)
    if "note" in data:
        draft.note = data["note"]
    session.flush()
    return draft


def publish(session: Session, tenant: Tenant, version: ChecklistVersion, actor: Actor) -> ChecklistVersion:
    draft = _draft(version)
    checklist_content.validate(draft.content, current(session).content)
    _publish(session, tenant, draft, actor)
    return draft


def discard(session: Session, version: ChecklistVersion) -> None:
    session.delete(_draft(version))
    session.flush()
