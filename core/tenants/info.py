"""A tenant as plugins see it: the frozen ``TenantInfo`` every hook receives, built from the stored row."""

from __future__ import annotations

from core.domain import TenantInfo
from core.tenants.models import Tenant


def tenant_info(tenant: Tenant) -> TenantInfo:
    return TenantInfo(
        id=tenant.id,
        slug=tenant.slug,
        name=tenant.name,
        org_model=tenant.org_model,
        checklist=tenant.checklist,
        plugins=tuple(tenant.plugins or ()),
    )
