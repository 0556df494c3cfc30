"""Model C — operative group (Växjö's tisdagsgrupp, Malmö; EST-DOMAIN.md "Organisation models", source p. 15).

Representatives with a direct operative function — kommun, polis, fastighetsföretag — plus others concerned
(schools, social services, field workers, invited businesses) produce the joint lägesbild at the meeting,
for one or a few areas, and spread it through their organisations' managers.
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
    _l,
    hookimpl,
    meeting_of,
)

GROUP = "operativ_grupp"


def groups(tenant: TenantShape) -> list[GroupSpec]:
    return [
        GroupSpec(
            key=GROUP,
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


@hookimpl
def est_compilation_plan(tenant: TenantInfo, cycle: CycleInfo, areas: list[str]) -> list[CompilationStep]:
    """The operative group produces the joint picture at its meeting."""
    return [CompilationStep(key="motet", title="Lägesbild från mötet", group=GROUP)]


@hookimpl
def est_transition_guards(tenant: TenantInfo, subject: Subject, to_state: str) -> Guard | None:
    """The operative group moves the cycle. It assesses at the meeting, so the cycle is assessed only once the
    meeting is recorded, and the meeting ends by giving one area a risk value (Växjö)."""
    if subject.kind != "cycle":
        return None
    if to_state != "assessed":
        return Guard(groups=(GROUP,))
    meeting = meeting_of(subject.cycle_id)
    missing = {}
    if meeting is None:
        missing["meeting"] = _l("meeting record missing")
    if meeting is None or meeting.risk_value is None:
        missing["risk"] = _l("risk value missing")
    return Guard(groups=(GROUP,), missing=missing)


@hookimpl
def est_proposal_route(tenant: TenantInfo, from_group: str | None) -> ProposalRoute:
    """Without the mandate, the group fills in a forwarding form to the department concerned."""
    return ProposalRoute(kind="forwarding_form", department_required=True)
