"""Every hook est calls, grouped by lifecycle. These docstrings are the plugin documentation.

A plugin is a module (or object) with functions named like the specs below, decorated with
``core.plugin_api.hookimpl``. Built-in plugins live in ``plugins/`` and are registered exactly like third-party
ones, which are discovered from the ``est`` entry-point group.

Installed is not enabled: registration hooks are called once at start-up for every installed plugin, but
lifecycle hooks are called only on the plugins a tenant has enabled — the plugin providing its org model, the
plugin providing its checklist variant, and the optional plugins named in its configuration.

Announcements (``est_report_submitted``, ``est_lagesbild_compiled``, ``est_lagesbild_published``) tell what
happened once it is committed: a request or job that rolls back announces nothing, and each event is announced
exactly once, in the process that committed it (an rq worker for compilation). Each implementation is called on its
own, with the tenant context set: one that raises is logged, and neither undoes the event nor keeps the others from
being called. An announcement may read through ``core.plugin_api.session()`` but not write there; work that writes
or takes time goes to a job (``core.plugin_api.enqueue``), since the caller waits for the hook. Wrapper
implementations (``hookwrapper``, ``wrapper``) are refused at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from core.domain import (
        ChecklistVariant,
        CompilationStep,
        CycleInfo,
        Guard,
        LagesbildInfo,
        OrgModel,
        ProposalRoute,
        ReportInfo,
        Subject,
        TenantInfo,
        TransitionRule,
    )

hookspec = pluggy.HookspecMarker("est")


# --- registration (once, at start-up, every installed plugin) -------------------------------------


@hookspec
def est_register_org_models() -> list[OrgModel]:
    """Return the organisation models this plugin provides.

    All results are collected. Each model's ``key`` must be unique across installed plugins; a duplicate key
    stops start-up with an error naming both plugins.
    """


@hookspec
def est_register_checklists() -> list[ChecklistVariant]:
    """Return the checklist variants this plugin provides.

    All results are collected. Each variant's ``key`` must be unique across installed plugins; a duplicate key
    stops start-up with an error naming both plugins. Item keys must be unique within a variant.
    """


# --- tenant lifecycle (only plugins enabled for the tenant) -----------------------------------------


@hookspec
def est_tenant_onboarded(tenant: TenantInfo, created: bool) -> None:
    """Called after a tenant was onboarded (``created=True``) or re-synced (``created=False``).

    All implementations are called, inside the onboarding transaction, so an exception undoes the onboarding.
    ``tenant`` is the tenant as stored; the tenant context is set to it, so the plugin may read and write that
    tenant's rows through ``core.plugin_api.session()`` and nothing else.
    """


# --- announcements, after commit (only plugins enabled for the tenant; see the module docstring) --------------


@hookspec
def est_report_submitted(tenant: TenantInfo, report: ReportInfo) -> None:
    """Called after a report submitted through the API (``POST /reports``) was committed, once per report.

    All implementations are called. Reports imported from files are not announced: an import moves earlier records
    in (up to 200,000 rows at once), it does not report news. Corrections (``PATCH``) are not announced either.
    """


@hookspec
def est_lagesbild_compiled(tenant: TenantInfo, lagesbild: LagesbildInfo) -> None:
    """Called after a lägesbild was compiled and committed — a cycle's step or a longer period's picture, freshly
    counted or rolled up, a first version or a recompilation — once per compilation, from the compile job.

    All implementations are called. ``lagesbild.status`` is ``compiled``.
    """


@hookspec
def est_lagesbild_published(tenant: TenantInfo, lagesbild: LagesbildInfo) -> None:
    """Called after a lägesbild was published and committed, once per published version: a cycle's final picture
    when the cycle moves to ``published``, any other picture (or a later version) when it is published directly.

    All implementations are called. ``lagesbild.status`` is ``published``; a published picture never changes.
    """


# --- the weekly cycle (only plugins enabled for the tenant; the org model answers) -------------------


@hookspec(firstresult=True)
def est_cycle_compiler(tenant: TenantInfo, cycle: CycleInfo) -> str | None:
    """The leg that compiles the joint picture of this cycle (a rota), or ``None`` when the org model has none.

    Called when a cycle is created. First result wins (``firstresult``), so an enabled plugin registered after the
    org model overrides it. Model A rotates between kommun, polis and fastighetsföretag.
    """


@hookspec(firstresult=True)
def est_compilation_plan(
    tenant: TenantInfo, cycle: CycleInfo, areas: list[str], area_names: dict[str, str]
) -> list[CompilationStep] | None:
    """The pictures to compile in this cycle, in order (``areas``: the tenant's active area keys; ``area_names``:
    each key's name as people know it, for the steps' titles — since 1.3).

    Called whenever the plan is needed. First result wins; ``None`` from every plugin means one joint picture
    compiled by any coordinator. Model A: each leg's own reports, then the joint picture by the rota's leg;
    model B: a local picture per area, then the strategic group's roll-up; model C: one picture at the meeting.
    """


@hookspec(firstresult=True)
def est_transition_rule(tenant: TenantInfo, cycle: CycleInfo, to_state: str) -> TransitionRule | None:
    """Deprecated: implement ``est_transition_guards`` instead. Who may move the cycle into ``to_state``, and
    whether it waits for the meeting's risk value.

    Called on every cycle transition request, with a ``DeprecationWarning`` when a plugin implements it; kept for
    one release. First result wins; its answer counts as one more guard.
    """


@hookspec(firstresult=True)
def est_proposal_route(tenant: TenantInfo, from_group: str | None) -> ProposalRoute | None:
    """Where a proposal from ``from_group`` that lies beyond its mandate goes.

    Called when a proposal is made. First result wins; ``None`` from every plugin means a forwarding form to a
    named department. Model B: the chief group; model C: a forwarding form to the department concerned.
    """


@hookspec
def est_cycle_transitioned(tenant: TenantInfo, cycle: CycleInfo, from_state: str, to_state: str) -> None:
    """Called after a cycle moved from ``from_state`` to ``to_state``, inside the transaction.

    All implementations are called; an exception undoes the transition.
    """


# --- the workflow: every stateful subject (only plugins enabled for the tenant) ----------------------


@hookspec
def est_transition_guards(tenant: TenantInfo, subject: Subject, to_state: str) -> Guard | list[Guard] | None:
    """Who may move ``subject`` into ``to_state``, and what the move still waits for.

    Called by ``move()`` for every transition of every stateful subject — a cycle, a lägesbild, a checklist
    version, a proposal (``subject.kind``) — after the core checked that the transition is declared and before it
    is applied. All results are collected: answer ``None`` when the plugin has no say, or a ``Guard`` (or a list
    of them). Every guard must be satisfied: a caller outside a guard's ``groups`` (tenant admins always pass) is
    refused with 403, and anything in a guard's ``missing`` refuses the move with 409, naming each field and the
    plugin's message, e.g. ``Guard(groups=("operativ_grupp",), missing={"meeting": _l("meeting record missing")})``
    (``_l`` from ``core.plugin_api``: written in the reader's language; a plain string is shown as it is). A guard
    reads what it needs through ``core.plugin_api`` (``session()``, ``meeting_of()``); it must not write. The
    core's own rules (the state order, a compiled plan before ``assessed``) always hold.
    """


@hookspec
def est_transitioned(tenant: TenantInfo, subject: Subject, from_state: str, to_state: str) -> None:
    """Called after any stateful subject moved from ``from_state`` to ``to_state`` (``subject.state`` is the new
    state), inside the transaction, after the move was logged.

    All implementations are called; an exception undoes the transition. For a cycle, ``est_cycle_transitioned``
    is called too.
    """
