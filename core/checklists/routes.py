"""``/api/v1/tenants/<slug>/checklist`` and ``…/checklist/versions``."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from core.accounts.actor import current_actor
from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.checklists import content as checklist_content
from core.checklists import service
from core.checklists.models import ChecklistVersion
from core.checklists.schemas import CurrentArgs, DraftCreateSchema, DraftUpdateSchema, VersionSchema
from core.tenancy import current_session

blp = tenant_blueprint("checklist", "checklist", "The tenant's checklist and its versions")


@blp.route("", methods=["GET"])
@tenant_role(Role.REPORTER)
@blp.arguments(CurrentArgs, location="query")
@blp.response(200, VersionSchema)
def get_current(args: dict):
    """The published checklist. With ``mine=true``: only the active items of the sections the caller's
    organisation answers (Malmö: the police answer *Brottsutveckling*, the housing company *Bostadsområden*)."""
    version = service.current(current_session())
    if not args["mine"]:
        return version
    return {
        **vars(version),
        "content": checklist_content.answerable_by(version.content, current_actor().leg(current_session())),
    }


@blp.route("/versions", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(VersionSchema))
def list_versions(args: dict):
    """Every version, newest first."""
    return paginate(select(ChecklistVersion).order_by(ChecklistVersion.number.desc()), args)


@blp.route("/versions", methods=["POST"])
@tenant_role(Role.ADMIN)
@blp.arguments(DraftCreateSchema)
@blp.response(201, VersionSchema)
def create_draft(data: dict):
    """Start a draft: a copy of the current checklist, or the content given. One draft at a time."""
    db = current_session()
    draft = service.create_draft(db, data, g.user.id)
    db.commit()
    return draft


@blp.route("/versions/<int:version_id>", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.response(200, VersionSchema)
def get_version(version_id: int):
    """One version (its ETag guards edits of a draft)."""
    return service.get(current_session(), version_id)


@blp.route("/versions/<int:version_id>", methods=["PUT"])
@tenant_role(Role.ADMIN)
@blp.etag
@blp.arguments(DraftUpdateSchema)
@blp.response(200, VersionSchema)
def update_draft(data: dict, version_id: int):
    """Replace a draft's content: add, reword, reorder, move, re-theme or retire items, add sections, set who
    answers a section. Send ``If-Match`` with the ETag you read; a stale one is refused (412)."""
    db = current_session()
    draft = service.get(db, version_id)
    blp.check_etag(draft, VersionSchema)
    draft = service.update_draft(db, draft, data)
    db.commit()
    return draft


@blp.route("/versions/<int:version_id>/publish", methods=["POST"])
@tenant_role(Role.ADMIN)
@blp.etag
@blp.response(200, VersionSchema)
def publish(version_id: int):
    """Publish a draft: it becomes the checklist new reports use; the previous version is superseded and never
    changes. Send ``If-Match`` with the draft's ETag."""
    db = current_session()
    version = service.get(db, version_id)
    blp.check_etag(version, VersionSchema)
    version = service.publish(db, g.tenant, version, current_actor())
    db.commit()
    return version


@blp.route("/versions/<int:version_id>", methods=["DELETE"])
@tenant_role(Role.ADMIN)
@blp.etag
@blp.response(204)
def discard(version_id: int):
    """Discard a draft (published versions are never deleted)."""
    db = current_session()
    version = service.get(db, version_id)
    blp.check_etag(version, VersionSchema)
    service.discard(db, version)
    db.commit()
