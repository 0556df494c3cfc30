"""Model C — operative group (Växjö's tisdagsgrupp, Malmö; EST-DOMAIN.md "Organisation models", source p. 15).

Representatives with a direct operative function — kommun, polis, fastighetsföretag — plus others concerned
(schools, social services, field workers, invited businesses) produce the joint lägesbild at the meeting,
for one or a few areas, and spread it through their organisations' managers.
"""

from __future__ import annotations

from core.plugin_api import THREE_LEGS, GroupSpec, OrgModel, TenantShape, hookimpl


def groups(tenant: TenantShape) -> list[GroupSpec]:
    return [
        GroupSpec(
            key="operativ_grupp",
            name="Operativ grupp",
            kind="operativ",
            legs=THREE_LEGS,
            invited=True,
            description="Kärnmedlemmar från kommun, polis och fastighetsföretag samt inbjudna berörda aktörer; "
            "lägesbilden tas fram på mötet.",
        )
    ]


MODEL = OrgModel(
    key="C",
    name="Operativ grupp",
    description="En operativ grupp med kommun, polis och fastighetsföretag samt inbjudna aktörer tar fram den "
    "gemensamma lägesbilden på mötet för ett eller några områden.",
    groups=groups,
)


@hookimpl
def est_register_org_models() -> list[OrgModel]:
    return [MODEL]
