"""Model A — koordinatorsgrupp (coordinator triad), Örebro's base model (also Botkyrka, Borås, Sollentuna,
Borlänge; EST-DOMAIN.md "Organisation models", source p. 14).

Three legs — kommun, polis, fastighetsföretag — each collect from their own reporters; one key function per
leg sits in the coordinator group, which compiles, assesses, decides or proposes actions and sends the
lägesbild out. Optional groups: an extended coordinator group, a Fördjupad EST-grupp for root-cause work,
Sollentuna's monthly EST-strategisk meeting of managers and its EST-Insats group for escalating unrest.
"""

from __future__ import annotations

from core.plugin_api import (
    LEG_LABELS_SV,
    THREE_LEGS,
    CompilationStep,
    CycleInfo,
    GroupSpec,
    Guard,
    OrgModel,
    Subject,
    TenantInfo,
    TenantShape,
    hookimpl,
)

GROUP = "koordinatorsgrupp"

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


@hookimpl
def est_cycle_compiler(tenant: TenantInfo, cycle: CycleInfo) -> str:
    """The compiling leg rotates kommun → polis → fastighetsföretag, one period each (Örebro, Botkyrka)."""
    return THREE_LEGS[cycle.index % len(THREE_LEGS)].value


@hookimpl
def est_compilation_plan(tenant: TenantInfo, cycle: CycleInfo, areas: list[str]) -> list[CompilationStep]:
    """Each leg's key function first compiles its own organisation's reports; then the rota's leg compiles the
    joint picture from all of them."""
    legs = [
        CompilationStep(
            key=f"part_{leg.value}",
            title=f"Sammanställning {LEG_LABELS_SV[leg].lower()}",
            scope="leg",
            leg=leg.value,
            group=GROUP,
        )
        for leg in THREE_LEGS
    ]
    joint = CompilationStep(
        key="gemensam",
        title="Gemensam lägesbild",
        group=GROUP,
        compiler_leg=True,
        after=tuple(step.key for step in legs),
    )
    return [*legs, joint]


@hookimpl
def est_transition_guards(tenant: TenantInfo, subject: Subject, to_state: str) -> Guard | None:
    """The koordinatorsgrupp moves the cycle: it assesses and publishes."""
    return Guard(groups=(GROUP,)) if subject.kind == "cycle" else None
