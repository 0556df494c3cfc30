"""Every hook est calls, grouped by lifecycle. These docstrings are the plugin documentation.

A plugin is a module (or object) with functions named like the specs below, decorated with
``core.plugin_api.hookimpl``. Built-in plugins live in ``plugins/`` and are registered exactly like third-party
ones, which are discovered from the ``est`` entry-point group.

Installed is not enabled: registration hooks are called once at start-up for every installed plugin, but
lifecycle hooks are called only on the plugins a tenant has enabled — the plugin providing its org model, the
plugin providing its checklist variant, and the optional plugins named in its configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from core.domain import ChecklistVariant, OrgModel
    from core.plugin_api import TenantInfo

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
