"""Model B — local EST groups with a strategic and a chief layer (Norrköping; EST-DOMAIN.md "Organisation
models", source p. 15).

Every geographic area has a local EST group (områdespolis, kommun with socialtjänst, the housing district
manager, security officer, bosocial unit, district developer) that compiles the local lägesbild, analyses root
causes, sets a målbild and works operatively. A strategic EST group (polis, kommun, housing company) rolls the
local pictures up for the whole municipality every week and quarter. A chief group of central heads holds the
overall responsibility and receives proposals beyond the strategic group's mandate.
"""

from __future__ import annotations

from core.plugin_api import (
    THREE_LEGS,
    CompilationStep,
    CycleInfo,
    GroupSpec,
    Guard,
    OrgModel,
    ProposalRoute,
    Subject,
    TenantInfo,
    TenantShape,
    hookimpl,
)


def groups(tenant: TenantShape) -> list[GroupSpec]:
    result = [
        GroupSpec(
            key="chefsgrupp",
            name="Chefsgrupp",
            kind="chefsgrupp",
            legs=THREE_LEGS,
            description="Centrala förvaltningschefer med det övergripande ansvaret.",
        ),
        GroupSpec(
            key="strategisk",
            name="Strategisk EST-grupp",
            kind="strategisk",
            legs=THREE_LEGS,
            parent="chefsgrupp",
            description="Samordnar och bedömer lägesbilden för hela kommunen varje vecka och kvartal.",
        ),
    ]
    result.extend(
        GroupSpec(
            key=f"lokal_{area}",
            name=f"Lokal EST-grupp {tenant.area_names[area]}",
            kind="lokal",
            legs=THREE_LEGS,
            parent="strategisk",
            area=area,
            invited=True,
            description="Sammanställer den lokala lägesbilden, gör orsaksanalys, sätter målbild och följer upp.",
        )
        for area in tenant.areas
    )
    return result


MODEL = OrgModel(
    key="B",
    name="Lokala EST-grupper med strategisk grupp och chefsgrupp",
    description="En lokal EST-grupp per område tar fram den lokala lägesbilden; en strategisk EST-grupp väger "
    "samman bilden för hela kommunen; en chefsgrupp har det övergripande ansvaret.",
    groups=groups,
)


@hookimpl
def est_register_org_models() -> list[OrgModel]:
    return [MODEL]


@hookimpl
def est_compilation_plan(
    tenant: TenantInfo, cycle: CycleInfo, areas: list[str], area_names: dict[str, str]
) -> list[CompilationStep]:
    """Every local EST group compiles its area's picture; the strategic group rolls them up into one picture."""
    local = [
        CompilationStep(
            key=f"lokal_{area}",
            title=f"Lokal lägesbild {area_names.get(area, area)}",
            scope="area",
            area=area,
            group=f"lokal_{area}",
        )
        for area in areas
    ]
    rollup = CompilationStep(
        key="hela_kommunen",
        title="Lägesbild för hela kommunen",
        group="strategisk",
        after=tuple(step.key for step in local),
        rollup=True,
    )
    return [*local, rollup]


@hookimpl
def est_transition_guards(tenant: TenantInfo, subject: Subject, to_state: str) -> Guard | None:
    """The strategic group moves the cycle: it assesses and publishes the picture for the whole municipality."""
    return Guard(groups=("strategisk",)) if subject.kind == "cycle" else None


@hookimpl
def est_proposal_route(tenant: TenantInfo, from_group: str | None) -> ProposalRoute:
    """Proposals beyond the strategic group's mandate go to the chief group."""
    return ProposalRoute(kind="proposal", group="chefsgrupp")
