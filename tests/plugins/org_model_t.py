"""A fourth org model "T" with a rule of its own, as one file: the trygghetsråd compiles and assesses the picture,
and a safety walk (trygghetsvandring) must be recorded before the picture is assessed — the walk is recorded with
the cycle's meeting record, listing the walk among the meeting's guests. It records every transition it is told
about."""

from __future__ import annotations

from core.plugin_api import (
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
    meeting_of,
)

GROUP = "trygghetsrad"
WALK = "trygghetsvandring"
transitions: list[tuple[str, str, str, str]] = []


def groups(tenant: TenantShape) -> list[GroupSpec]:
    return [GroupSpec(key=GROUP, name="Trygghetsråd", kind="trygghetsrad", legs=THREE_LEGS)]


@hookimpl
def est_register_org_models() -> list[OrgModel]:
    description = "Trygghetsrådet tar fram lägesbilden efter en trygghetsvandring."
    return [OrgModel(key="T", name="Trygghetsråd med vandring", description=description, groups=groups)]


@hookimpl
def est_compilation_plan(tenant: TenantInfo, cycle: CycleInfo, areas: list[str]) -> list[CompilationStep]:
    return [CompilationStep(key="gemensam", title="Lägesbild efter trygghetsvandringen", group=GROUP)]


@hookimpl
def est_transition_guards(tenant: TenantInfo, subject: Subject, to_state: str) -> Guard | None:
    """The picture is assessed only after the safety walk's protocol is recorded."""
    if subject.kind != "lagesbild" or to_state != "assessed":
        return None
    meeting = meeting_of(subject.cycle_id)
    walked = meeting is not None and any(WALK in g.function.lower() for g in (*meeting.attendees, *meeting.guests))
    return Guard(groups=(GROUP,), missing={} if walked else {WALK: "protokoll från trygghetsvandringen saknas"})


@hookimpl
def est_transitioned(tenant: TenantInfo, subject: Subject, from_state: str, to_state: str) -> None:
    transitions.append((tenant.slug, subject.kind, from_state, to_state))
