"""The stable surface plugins import from. Nothing is removed from here without a deprecation period.

    from core.plugin_api import hookimpl, OrgModel, GroupSpec, Leg

Everything a plugin needs — the hook marker, the domain descriptors, the errors it may raise, the database
session of the current tenant and the job queue — is importable from this module and only from here.

Deprecated, working with a ``DeprecationWarning`` for one release: the hook ``est_transition_rule`` with
``TransitionRule`` (its ``groups`` and ``needs_risk_value``), and ``CompilationStep.meeting``. Answer
``est_transition_guards`` with a ``Guard`` instead: ``groups`` for who may move the subject, ``missing`` for
what it waits for (``meeting_of()`` tells whether a cycle's meeting was recorded and its risk value given).
"""

from __future__ import annotations

from dataclasses import dataclass

import pluggy

from core.domain import (
    LEG_LABELS_SV,
    THEME_LABELS_SV,
    THREE_LEGS,
    Attendee,
    ChecklistItem,
    ChecklistSection,
    ChecklistVariant,
    CompilationStep,
    CycleInfo,
    GroupSpec,
    Guard,
    Leg,
    MeetingInfo,
    OrgModel,
    ProposalRoute,
    Subject,
    TenantShape,
    Theme,
    TransitionRule,
)
from core.errors import DomainError, NotFound, PersonalDataError
from core.jobs import enqueue
from core.tenancy import current_session as session
from core.workflow.records import meeting_of

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
    "Attendee",
    "ChecklistItem",
    "ChecklistSection",
    "ChecklistVariant",
    "CompilationStep",
    "CycleInfo",
    "DomainError",
    "GroupSpec",
    "Guard",
    "Leg",
    "MeetingInfo",
    "NotFound",
    "OrgModel",
    "PersonalDataError",
    "ProposalRoute",
    "Subject",
    "TenantInfo",
    "TenantShape",
    "Theme",
    "TransitionRule",
    "enqueue",
    "hookimpl",
    "meeting_of",
    "session",
]
