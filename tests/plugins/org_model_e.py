"""A third-party org model "E": the housing company always compiles, in one step, and only the
koordinatorsgrupp may move the cycle; it records every transition it is told about."""

from __future__ import annotations

from core.plugin_api import (
    THREE_LEGS,
    CompilationStep,
    CycleInfo,
    GroupSpec,
    OrgModel,
    ProposalRoute,
    TenantInfo,
    TenantShape,
    TransitionRule,
    hookimpl,
)

transitions: list[tuple[str, str, str, str]] = []


def groups(tenant: TenantShape) -> list[GroupSpec]:
    return [GroupSpec(key="koordinatorsgrupp", name="Koordinatorsgrupp", kind="koordinatorsgrupp", legs=THREE_LEGS)]


@hookimpl
def est_register_org_models() -> list[OrgModel]:
    return [OrgModel(key="E", name="Fastighetsledd", description="Fastighetsföretaget sammanställer.", groups=groups)]


@hookimpl
def est_cycle_compiler(tenant: TenantInfo, cycle: CycleInfo) -> str:
    return "fastighetsforetag"


@hookimpl
def est_compilation_plan(tenant: TenantInfo, cycle: CycleInfo, areas: list[str]) -> list[CompilationStep]:
    return [CompilationStep(key="allt", title="Allt på en gång", group="koordinatorsgrupp", compiler_leg=True)]


@hookimpl
def est_transition_rule(tenant: TenantInfo, cycle: CycleInfo, to_state: str) -> TransitionRule:
    return TransitionRule(groups=("koordinatorsgrupp",))


@hookimpl
def est_proposal_route(tenant: TenantInfo, from_group: str | None) -> ProposalRoute:
    return ProposalRoute(kind="proposal", group="koordinatorsgrupp")


@hookimpl
def est_cycle_transitioned(tenant: TenantInfo, cycle: CycleInfo, from_state: str, to_state: str) -> None:
    transitions.append((tenant.slug, cycle.period, from_state, to_state))
