"""The stable surface plugins import from. Nothing is removed from here without a deprecation period.

    from core.plugin_api import hookimpl, OrgModel, GroupSpec, Leg

Everything a plugin needs — the hook marker, the domain descriptors, the errors it may raise, the database
session of the current tenant and the job queue — is importable from this module and only from here. A plugin
that imports anything else from ``core`` relies on internals that change without notice.

``API_VERSION`` (``"MAJOR.MINOR"``) versions this surface together with the hooks of ``core.hookspecs``. A plugin
may rely on every name in ``__all__`` and on every hook with the arguments, call semantics and timing its docstring
states, for as long as the major version stays the same:

* a minor version only adds: new names, new hooks, new hook arguments (a plugin's implementation need not accept
  them) and new descriptor fields with a default at the end;
* whatever is to go is deprecated first: it keeps working for at least one more release and warns when used
  (``DeprecationWarning``, naming its replacement), and it is removed only with a new major version.

1.0 is the surface as first published; 1.1 adds the lifecycle hooks ``est_report_submitted``,
``est_lagesbild_compiled`` and ``est_lagesbild_published`` with ``ReportInfo`` and ``LagesbildInfo``.

1.2 adds ``est_transition_guards`` and ``est_transitioned`` with ``Guard``, ``Subject``, ``MeetingInfo`` and
``meeting_of()``.

1.3 adds the argument ``area_names`` to ``est_compilation_plan`` (the areas' names, for the steps' titles).

1.4 adds ``_l``: a text with an English message id, written in the reader's language when it is read (a
``Guard``'s ``missing`` messages). Plugins in this repository get their texts translated in est's catalogue.

Deprecated, working with a ``DeprecationWarning`` for one release: the hook ``est_transition_rule`` with
``TransitionRule`` (its ``groups`` and ``needs_risk_value``), and ``CompilationStep.meeting``. Answer
``est_transition_guards`` with a ``Guard`` instead: ``groups`` for who may move the subject, ``missing`` for
what it waits for (``meeting_of()`` tells whether a cycle's meeting was recorded and its risk value given).
"""

from __future__ import annotations

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
    LagesbildInfo,
    Leg,
    MeetingInfo,
    OrgModel,
    ProposalRoute,
    ReportInfo,
    Subject,
    TenantInfo,
    TenantShape,
    Theme,
    TransitionRule,
)
from core.errors import DomainError, NotFound, PersonalDataError
from core.i18n import _l
from core.jobs import enqueue
from core.tenancy import current_session as session
from core.workflow.records import meeting_of

API_VERSION = "1.4"

hookimpl = pluggy.HookimplMarker("est")


__all__ = [
    "API_VERSION",
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
    "LagesbildInfo",
    "Leg",
    "MeetingInfo",
    "NotFound",
    "OrgModel",
    "PersonalDataError",
    "ProposalRoute",
    "ReportInfo",
    "Subject",
    "TenantInfo",
    "TenantShape",
    "Theme",
    "TransitionRule",
    "_l",
    "enqueue",
    "hookimpl",
    "meeting_of",
    "session",
]
