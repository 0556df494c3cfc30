"""Model A — koordinatorsgrupp (coordinator triad), Örebro's base model (also Botkyrka, Borås, Sollentuna,
Borlänge; EST-DOMAIN.md "Organisation models", source p. 14).

Three legs — kommun, polis, fastighetsföretag — each collect from their own reporters; one key function per
leg sits in the coordinator group, which compiles, assesses, decides or proposes actions and sends the
lägesbild out. Optional groups: an extended coordinator group, a Fördjupad EST-grupp for root-cause work,
Sollentuna's monthly EST-strategisk meeting of managers and its EST-Insats group for escalating unrest.
"""

from __future__ import annotations

from core.plugin_api import THREE_LEGS, GroupSpec, OrgModel, TenantShape, hookimpl

OPTIONS = {
    "extended": "Utökad koordinatorsgrupp med fler funktioner från de tre parterna.",
    "fordjupad": "Fördjupad EST-grupp för orsaksanalyser av långvariga problem.",
    "strategic": "EST-strategisk: månatligt möte för chefer från de tre parterna (Sollentuna).",
    "insats": "EST-Insats: grupp som aktiveras när oron eskalerar (Sollentuna).",
}


def groups(tenant: TenantShape) -> list[GroupSpec]:
    strategic = bool(tenant.options.get("strategic"))
    result = [
        GroupSpec(
            key="koordinatorsgrupp",
            name="Koordinatorsgrupp",
            kind="koordinatorsgrupp",
            legs=THREE_LEGS,
            parent="strategisk" if strategic else None,
            description="En nyckelfunktion per part sammanställer, bedömer och beslutar eller föreslår insatser.",
        )
    ]
    optional = {
        "extended": GroupSpec(
            key="utokad_koordinatorsgrupp",
            name="Utökad koordinatorsgrupp",
            kind="utokad",
            legs=THREE_LEGS,
            parent="koordinatorsgrupp",
            description=OPTIONS["extended"],
        ),
        "fordjupad": GroupSpec(
            key="fordjupad_est",
            name="Fördjupad EST-grupp",
            kind="fordjupad",
            legs=THREE_LEGS,
            parent="koordinatorsgrupp",
            description=OPTIONS["fordjupad"],
        ),
        "strategic": GroupSpec(
            key="strategisk",
            name="EST-strategisk",
            kind="strategisk",
            legs=THREE_LEGS,
            description=OPTIONS["strategic"],
        ),
        "insats": GroupSpec(
            key="est_insats",
            name="EST-Insats",
            kind="insats",
            legs=THREE_LEGS,
            parent="koordinatorsgrupp",
            description=OPTIONS["insats"],
        ),
    }
    result.extend(spec for option, spec in optional.items() if tenant.options.get(option))
    return result


MODEL = OrgModel(
    key="A",
    name="Koordinatorsgrupp",
    description="Tre parter – kommun, polis och fastighetsföretag – samlar in från sina rapportörer; en "
    "nyckelfunktion per part bildar koordinatorsgruppen som sammanställer och bedömer lägesbilden.",
    groups=groups,
    options=OPTIONS,
)


@hookimpl
def est_register_org_models() -> list[OrgModel]:
    return [MODEL]
