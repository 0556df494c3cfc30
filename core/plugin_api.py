"""The stable surface plugins import from. Nothing is removed from here without a deprecation period.

    from core.plugin_api import hookimpl, OrgModel, GroupSpec, Leg

Everything a plugin needs — the hook marker, the domain descriptors, the errors it may raise, the database
session of the current tenant and the job queue — is importable from this module and only from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pluggy

from core.domain import (
    LEG_LABELS_SV,
    THEME_LABELS_SV,
    THREE_LEGS,
    ChecklistItem,
    ChecklistSection,
    ChecklistVariant,
    CompilationStep,
    CycleInfo,
    GroupSpec,
    Leg,
    OrgModel,
    ProposalRoute,
    TenantShape,
    Theme,
    TransitionRule,
)
from core.errors import DomainError, NotFound, PersonalDataError
from core.jobs import enqueue
from core.tenancy import current_session as session

hookimpl = pluggy.HookimplMarker("est")


@dataclass(frozen=True)
class TenantInfo:
    """A tenant as lifecycle hooks see it."""

    id: int
    slug: str
    name: str
    org_model: str
    checklist: str
    plugins: tuple[str, ...]


__all__ = [
    "LEG_LABELS_SV",
    "THEME_LABELS_SV",
    "THREE_LEGS",
    "ChecklistItem",
    "ChecklistSection",
    "ChecklistVariant",
    "CompilationStep",
    "CycleInfo",
    "DomainError",
    "GroupSpec",
    "Leg",
    "NotFound",
    "OrgModel",
    "PersonalDataError",
    "ProposalRoute",
    "TenantInfo",
    "TenantShape",
    "Theme",
    "TransitionRule",
    "enqueue",
    "hookimpl",
    "session",
]
