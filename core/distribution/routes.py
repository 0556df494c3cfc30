"""``/api/v1/tenants/<slug>/distribution-lists``: who receives the lägesbild, and the record of every change.

Coordinators and admins read and edit (``If-Match`` on every change to an existing list or its recipients).
A list declared in the tenant's onboarding file is set back to the file's recipients when the file is synced.
"""

from __future__ import annotations

from flask import g
from sqlalchemy import delete, select

from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.distribution import service
from core.distribution.models import DistributionChange, DistributionList
from core.distribution.schemas import (
    AddressPageSchema,
    DistributionChangeSchema,
    DistributionListInSchema,
    DistributionListPatchSchema,
    DistributionListSchema,
    DistributionRecipientInSchema,
    DistributionRecipientPageSchema,
    DistributionRecipientSchema,
    DistributionRecipientsInSchema,
)
from core.tenancy import current_session

blp = tenant_blueprint("distribution_lists", "distribution-lists", "Distribution lists and their recipients")


def _actor() -> int:
    return g.user.id


@blp.route("", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(DistributionListSchema))
def list_lists(args: dict):
    """The tenant's distribution lists, by key."""
    return paginate(select(DistributionList).order_by(DistributionList.key), args)


@blp.route("", methods=["POST"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(DistributionListInSchema)
@blp.response(201, DistributionListSchema)
def create_list(data: dict):
    """A new list (409 when its key is taken)."""
    session = current_session()
    row = service.create(session, data, _actor())
    session.commit()
    return row


@blp.route("/<int:list_id>", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.response(200, DistributionListSchema)
def get_list(list_id: int):
    """One list (its ETag guards changes to it)."""
    return service.get(current_session(), list_id)


@blp.route("/<int:list_id>", methods=["PATCH"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.arguments(DistributionListPatchSchema)
@blp.response(200, DistributionListSchema)
def update_list(data: dict, list_id: int):
    """Rename a list, change its audience, or retire it (``active: false``). Send ``If-Match``."""
    session = current_session()
    row = service.get(session, list_id)
    blp.check_etag(row, DistributionListSchema)
    service.update(session, row, data, _actor())
    session.commit()
    return row


@blp.route("/<int:list_id>", methods=["DELETE"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.response(204)
def delete_list(list_id: int):
    """Delete a list, its recipients and its record of changes. Send ``If-Match``."""
    session = current_session()
    row = service.get(session, list_id)
    blp.check_etag(row, DistributionListSchema)
    session.execute(delete(DistributionList).where(DistributionList.id == row.id))
    session.commit()


@blp.route("/<int:list_id>/recipients", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.response(200, DistributionRecipientPageSchema)
def list_recipients(list_id: int):
    """Every recipient of a list: addresses, then groups (its ETag guards replacing them)."""
    session = current_session()
    items = service.recipients(session, service.get(session, list_id).id)
    return {"items": items, "total": len(items)}


@blp.route("/<int:list_id>/recipients", methods=["PUT"])
@tenant_role(Role.COORDINATOR)
@blp.etag
@blp.arguments(DistributionRecipientsInSchema)
@blp.response(200, DistributionRecipientPageSchema)
def replace_recipients(data: dict, list_id: int):
    """Make the recipients exactly these (matched by address or group); each addition, removal and change is
    recorded.
    Send the ``If-Match`` of ``GET …/recipients``."""
    session = current_session()
    row = service.get(session, list_id)
    current = service.recipients(session, row.id)
    blp.check_etag({"items": current, "total": len(current)}, DistributionRecipientPageSchema)
    service.replace_recipients(session, row, data["recipients"], _actor())
    session.commit()
    items = service.recipients(session, row.id)
    return {"items": items, "total": len(items)}


@blp.route("/<int:list_id>/recipients", methods=["POST"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(DistributionRecipientInSchema)
@blp.response(201, DistributionRecipientSchema)
def add_recipient(data: dict, list_id: int):
    """Add one recipient: an address, or a group of the org model (409 when it is on the list already)."""
    session = current_session()
    recipient_id = service.add_recipient(session, service.get(session, list_id), data, _actor())
    session.commit()
    return next(r for r in service.recipients(session, list_id) if r["id"] == recipient_id)


@blp.route("/<int:list_id>/addresses", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.response(200, AddressPageSchema)
def list_addresses(list_id: int):
    """Every address the list reaches now: its own, and the addresses of its groups' members as they are now."""
    session = current_session()
    items = service.addresses(session, service.get(session, list_id).id)
    return {"items": items, "total": len(items)}


@blp.route("/<int:list_id>/changes", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(DistributionChangeSchema))
def list_changes(args: dict, list_id: int):
    """Who changed the list, when, and what; newest first."""
    session = current_session()
    row = service.get(session, list_id)
    statement = select(DistributionChange).where(DistributionChange.list_id == row.id)
    return paginate(statement.order_by(DistributionChange.id.desc()), args)
