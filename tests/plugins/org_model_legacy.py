"""An org model "L" written against the deprecated surface: the rule hook with ``needs_risk_value`` and a step
flagged ``meeting`` (they keep working for one release, with a DeprecationWarning)."""

from __future__ import annotations

from core.plugin_api import (
    THREE_LEGS,
    CompilationStep,
    CycleInfo,
    GroupSpec,
    OrgModel,
    TenantInfo,
    TenantShape,
    TransitionRule,
    hookimpl,
)


def groups(tenant: TenantShape) -> list[GroupSpec]:
    return [GroupSpec(key="grupp", name="Grupp", kind="operativ", legs=THREE_LEGS)]


@hookimpl
def est_register_org_models() -> list[OrgModel]:
    return [OrgModel(key="L", name="Äldre modell", description="Mötet bedömer.", groups=groups)]


@hookimpl
def est_compilation_plan(tenant: TenantInfo, cycle: CycleInfo, areas: list[str]) -> list[CompilationStep]:
    return [CompilationStep(key="motet", title="Lägesbild från mötet", group="grupp", meeting=True)]


@hookimpl
def est_transition_rule(tenant: TenantInfo, cycle: CycleInfo, to_state: str) -> TransitionRule:
    return TransitionRule(groups=("grupp",), needs_risk_value=to_state == "assessed")
