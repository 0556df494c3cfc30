"""Domain descriptors shared by the core and the plugins.

These are plain, immutable values. Plugins build them in their registration hooks; the core validates
and stores them. They are re-exported from :mod:`core.plugin_api`, the one import surface for plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Leg(StrEnum):
    """The organisations that make up EST. ``other`` covers invited parties (schools, social services, …)."""

    KOMMUN = "kommun"
    POLIS = "polis"
    FASTIGHETSFORETAG = "fastighetsforetag"
    OTHER = "other"


THREE_LEGS: tuple[Leg, ...] = (Leg.KOMMUN, Leg.POLIS, Leg.FASTIGHETSFORETAG)

LEG_LABELS_SV: Mapping[Leg, str] = {
    Leg.KOMMUN: "Kommun",
    Leg.POLIS: "Polis",
    Leg.FASTIGHETSFORETAG: "Fastighetsföretag",
    Leg.OTHER: "Övriga",
}


class Theme(StrEnum):
    """Cross-tenant themes (Botkyrka's tertial themes): every checklist item maps to one, or is positive."""

    NARKOTIKA = "narkotika"
    VALD = "vald"
    SKADEGORELSE = "skadegorelse"
    OTILLATEN_PAVERKAN = "otillaten_paverkan"
    ANDRA_AVVIKELSER = "andra_avvikelser"
    SAMLINGSPLATSER = "samlingsplatser"


THEME_LABELS_SV: Mapping[Theme, str] = {
    Theme.NARKOTIKA: "Narkotika",
    Theme.VALD: "Våld",
    Theme.SKADEGORELSE: "Skadegörelse",
    Theme.OTILLATEN_PAVERKAN: "Otillåten påverkan",
    Theme.ANDRA_AVVIKELSER: "Andra avvikelser",
    Theme.SAMLINGSPLATSER: "Samlingsplatser",
}


# --- checklists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One indicator ("känselspröt") on a checklist.

    ``key`` is stable for the item's whole life (rewording keeps it). Exactly one of ``theme`` and
    ``positive`` describes it: a theme for problems, ``positive=True`` for events that increase safety.
    """

    key: str
    text: str
    theme: Theme | None = None
    positive: bool = False
    help: str = ""
    crime_code: str | None = None


@dataclass(frozen=True)
class ChecklistSection:
    """A group of items. ``answered_by`` names the leg that answers it; ``None`` means every leg."""

    key: str
    title: str
    items: tuple[ChecklistItem, ...]
    answered_by: Leg | None = None


@dataclass(frozen=True)
class ChecklistVariant:
    """A checklist variant registered by a plugin under a unique ``key`` (e.g. ``orebro``)."""

    key: str
    name: str
    description: str
    sections: tuple[ChecklistSection, ...]

    def items(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for section in self.sections for item in section.items)


# --- organisation models ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    """A group an organisation model creates for a tenant.

    ``key`` is unique within the tenant; ``parent`` names the key of the group above it (its place in the
    hierarchy); ``legs`` are the legs whose organisations sit in the group; ``area`` ties a local group to
    one area key; ``invited`` marks that organisations outside the three legs take part too.
    """

    key: str
    name: str
    kind: str
    legs: tuple[Leg, ...]
    parent: str | None = None
    area: str | None = None
    invited: bool = False
    description: str = ""


@dataclass(frozen=True)
class TenantShape:
    """What an org model sees of a tenant when it declares its groups: area keys and its options."""

    slug: str
    areas: tuple[str, ...]
    area_names: Mapping[str, str]
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class OrgModel:
    """An organisation model registered by a plugin under a unique ``key`` (e.g. ``A``).

    ``groups`` declares the groups the model creates for a tenant. ``options`` lists the option names a
    tenant may set (anything else is refused at onboarding) with a Swedish description each.
    ``required_legs`` are the legs a tenant must have at least one organisation in.
    """

    key: str
    name: str
    description: str
    groups: Callable[[TenantShape], list[GroupSpec]]
    options: Mapping[str, str] = field(default_factory=dict)
    required_legs: tuple[Leg, ...] = THREE_LEGS


# --- what lifecycle hooks receive ------------------------------------------------------------------


@dataclass(frozen=True)
class TenantInfo:
    """A tenant as lifecycle hooks see it."""

    id: int
    slug: str
    name: str
    org_model: str
    checklist: str
    plugins: tuple[str, ...]


@dataclass(frozen=True)
class ReportInfo:
    """A stored report as lifecycle hooks see it: what was seen, in which area, when and how serious, by keys — no
    free text. ``late`` marks a report that came in after its period's reporting deadline."""

    id: int
    period: str
    item: str
    theme: str | None
    positive: bool
    area: str
    organisation: str | None
    severity: int
    occurred_at: datetime
    late: bool


@dataclass(frozen=True)
class LagesbildInfo:
    """A lägesbild (one version of it) as lifecycle hooks see it.

    ``kind`` is ``weekly`` or ``fortnightly`` for a cycle's pictures (then ``cycle_id`` and the plan's ``step`` are
    set), else ``monthly``, ``quarterly``, ``tertial`` or ``annual``; ``scope`` is ``tenant``, ``area`` (``area``
    names it by key) or ``leg`` (``leg``); ``total`` counts the reports in it.
    """

    id: int
    version: int
    kind: str
    label: str
    title: str
    scope: str
    area: str | None
    leg: str | None
    cycle_id: int | None
    step: str | None
    status: str
    total: int


# --- the cycle, as org models shape it --------------------------------------------------------------


@dataclass(frozen=True)
class CycleInfo:
    """A cycle as hooks see it. ``index`` counts periods continuously (for rotas); ``period`` is its label."""

    id: int
    period: str
    index: int
    state: str
    compiler_leg: str | None


@dataclass(frozen=True)
class CompilationStep:
    """One picture to compile in a cycle (e.g. each leg's own reports, each area's local picture, the joint one).

    ``scope`` is ``"leg"`` (the reports of ``leg``'s organisations), ``"area"`` (of area ``area``) or
    ``"tenant"``. ``group`` names the group whose members compile it (``None``: any coordinator); ``compiler_leg``
    set means only members from the cycle's compiling leg may. ``after`` lists steps that must be compiled first.
    ``rollup`` makes the picture the sum of the ``after`` pictures rather than a fresh count; ``meeting`` means it
    is produced at a meeting, which needs a meeting record.
    """

    key: str
    title: str
    scope: str = "tenant"
    leg: str | None = None
    area: str | None = None
    group: str | None = None
    compiler_leg: bool = False
    after: tuple[str, ...] = ()
    rollup: bool = False
    meeting: bool = False  # deprecated: a guard (est_transition_guards) says a meeting record is missing


@dataclass(frozen=True)
class TransitionRule:
    """Who may move a cycle into a state: members of ``groups`` (by key; empty: any coordinator), plus tenant
    admins. ``needs_risk_value`` makes the transition wait for the meeting's risk value (Växjö).

    Deprecated, with the ``est_transition_rule`` hook that returns it: answer ``est_transition_guards`` with a
    :class:`Guard` instead. Both keep working, with a ``DeprecationWarning``, for one release."""

    groups: tuple[str, ...] = ()
    needs_risk_value: bool = False


@dataclass(frozen=True)
class ProposalRoute:
    """Where a proposal beyond a group's mandate goes: to a group of the tenant (``group``), or on a forwarding
    form to a named department (``department_required``)."""

    kind: str
    group: str | None = None
    department_required: bool = False


# --- the workflow, as guards and lifecycle hooks see it ---------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A stateful object as guards and lifecycle hooks see it.

    ``kind`` is ``"cycle"``, ``"lagesbild"``, ``"checklist_version"`` or ``"proposal"``; ``state`` is its state as
    it is now (before the move, for a guard; after it, for ``est_transitioned``). ``cycle_id`` is the cycle it
    belongs to (a cycle's own id; ``None`` when it belongs to none) and ``step`` the cycle step of a lägesbild.
    """

    kind: str
    id: int
    state: str
    cycle_id: int | None = None
    step: str | None = None


@dataclass(frozen=True)
class Guard:
    """A guard's answer about one transition.

    ``groups``: who may make it — members of these groups (by key), plus tenant admins; empty: anyone the
    endpoint admits. ``missing``: what the transition still waits for, field → a message for the reader, such as
    ``{"meeting": _l("meeting record missing")}`` (``_l`` of ``core.plugin_api``: written in the reader's language
    when the catalogue has it; a plain string is shown as it is); empty: nothing. Every guard must be satisfied.
    """

    groups: tuple[str, ...] = ()
    missing: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Attendee:
    """Who took part in a meeting: an organisation (its key, or a guest's name) and a function, never a person."""

    organisation: str
    function: str


@dataclass(frozen=True)
class MeetingInfo:
    """The record of the meeting where a cycle's picture was produced, as guards see it. ``risk_value`` is the
    risk value the meeting gave one area (Växjö), or ``None``."""

    held_at: datetime
    form: str
    attendees: tuple[Attendee, ...]
    guests: tuple[Attendee, ...]
    notes: str
    risk_value: int | None
