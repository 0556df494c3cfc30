"""``/api/v1/tenants/<slug>/lagesbilder/<id>/deliveries``: who a published picture was sent to, and how it went."""

from __future__ import annotations

from core.accounts.models import Role
from core.api.access import tenant_role
from core.api.pagination import PageArgs, paginate
from core.api.tenant_blueprint import tenant_blueprint
from core.lagesbild import service as lagesbild
from core.publication import deliveries
from core.publication.schemas import DeliveryLogSchema
from core.tenancy import current_session

blp = tenant_blueprint("deliveries", "lagesbilder", "The distribution of published lägesbilder")


@blp.route("/<int:picture_id>/deliveries", methods=["GET"])
@tenant_role(Role.COORDINATOR)
@blp.arguments(PageArgs, location="query")
@blp.response(200, DeliveryLogSchema)
def list_deliveries(args: dict, picture_id: int):
    """Each recipient of the picture (by address) — queued, sent (with the server's reply), retrying (attempts, next
    try), failed (why) — and the totals over all of them. Coordinators and admins."""
    session = current_session()
    picture = lagesbild.get(session, picture_id)
    return {**paginate(deliveries.rows(picture.id), args), "totals": deliveries.totals(session, picture.id)}
