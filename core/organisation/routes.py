"""``areas``, ``organisations``, ``reporter-functions`` and ``groups`` of a tenant (read; onboarding writes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.pagination import PageArgs, page_of, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.errors import NotFound
from core.i18n import _
from core.organisation.models import Area, Group, GroupMember, GroupOrganisation, Organisation, ReporterFunction
from core.organisation.schemas import AreaSchema, GroupSchema, OrganisationSchema, ReporterFunctionSchema
from core.tenancy import current_session


def _group_view(group: Group) -> dict[str, Any]:
    db = current_session()
    organisation_ids = db.scalars(
        select(GroupOrganisation.organisation_id).where(GroupOrganisation.group_id == group.id)
    ).all()
    member_ids = db.scalars(select(GroupMember.membership_id).where(GroupMember.group_id == group.id)).all()
    return {**vars(group), "organisation_ids": sorted(organisation_ids), "member_ids": sorted(member_ids)}


def readable_resource(
    resource: str,
    model: type,
    schema: type,
    noun: str,
    view: Callable[[Any], Any] = lambda row: row,
):
    """A tenant blueprint with ``GET /`` (paginated, ordered by key) and ``GET /<id>`` for ``model``."""
    blp = tenant_blueprint(resource.replace("-", "_"), resource, f"The tenant's {noun}")

    @blp.route("", methods=["GET"])
    @tenant_role(Role.REPORTER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(schema))
    def list_rows(args: dict):
        page = paginate(select(model).order_by(model.key), args)
        page["items"] = [view(row) for row in page["items"]]
        return page

    list_rows.__doc__ = f"The tenant's {noun}."

    @blp.route("/<int:row_id>", methods=["GET"])
    @tenant_role(Role.REPORTER)
    @blp.response(200, schema)
    def get_row(row_id: int):
        row = current_session().scalar(select(model).where(model.id == row_id))
        if row is None:
            raise NotFound(_("Not found."))
        return view(row)

    get_row.__doc__ = f"One of the tenant's {noun}."
    return blp


blueprints = (
    readable_resource("areas", Area, AreaSchema, "areas"),
    readable_resource("organisations", Organisation, OrganisationSchema, "organisations (legs)"),
    readable_resource("reporter-functions", ReporterFunction, ReporterFunctionSchema, "reporter functions"),
    readable_resource("groups", Group, GroupSchema, "groups, as its org model declares them", _group_view),
)
