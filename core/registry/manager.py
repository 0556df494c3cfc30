"""Build the plugin manager during ``create_app`` (never at import time).

Built-in plugins come from ``DEFAULT_PLUGINS`` and are registered exactly like third-party plugins, which are
discovered from the ``est`` entry-point group. Registration hooks are collected once; a duplicate key, an unknown
hook, an invalid checklist or an org model whose groups cannot be created (see ``core.registry.groups``) stops
start-up with a message that names the plugins involved.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

import pluggy

from core import hookspecs
from core.domain import ChecklistVariant, OrgModel, TenantInfo, Theme
from core.i18n import use_locale
from core.registry import announcements
from core.registry.groups import problems, sample_shapes

DEFAULT_PLUGINS: tuple[str, ...] = (
    "plugins.org_models.model_a",
    "plugins.org_models.model_b",
    "plugins.org_models.model_c",
    "plugins.checklists.orebro",
    "plugins.checklists.boras",
    "plugins.checklists.malmo",
)


class PluginError(RuntimeError):
    """A plugin registered something invalid; start-up stops."""


class EstPluginManager(pluggy.PluginManager):
    def __init__(self) -> None:
        super().__init__("est")
        self.add_hookspecs(hookspecs)
        self.org_models: dict[str, OrgModel] = {}
        self.checklists: dict[str, ChecklistVariant] = {}
        # key -> name of the plugin that registered it
        self.providers: dict[tuple[str, str], str] = {}

    def collect_registrations(self) -> None:
        self._collect("org_model", self.hook.est_register_org_models, self.org_models, OrgModel)
        self._collect("checklist", self.hook.est_register_checklists, self.checklists, ChecklistVariant)
        for variant in self.checklists.values():
            _validate_variant(variant, self.providers[("checklist", variant.key)])
        for model in self.org_models.values():
            _validate_org_model(model, self.providers[("org_model", model.key)])
        for hook in announcements.HOOKS:
            _refuse_wrappers(hook, getattr(self.hook, hook).get_hookimpls())

    def _collect(self, kind: str, hook: Any, registry: dict, expected: type) -> None:
        for impl in hook.get_hookimpls():
            for descriptor in impl.function() or []:
                if not isinstance(descriptor, expected):
                    raise PluginError(f"plugin {impl.plugin_name!r} registered a non-{expected.__name__}")
                previous = self.providers.get((kind, descriptor.key))
                if previous is not None:
                    raise PluginError(
                        f"{kind} key {descriptor.key!r} registered by both {previous!r} and {impl.plugin_name!r}"
                    )
                self.providers[(kind, descriptor.key)] = impl.plugin_name
                registry[descriptor.key] = descriptor

    def enabled_plugin_names(self, tenant: TenantInfo) -> set[str]:
        """Installed is not enabled: the tenant's org model and checklist providers, plus its chosen plugins."""
        return {
            self.providers[("org_model", tenant.org_model)],
            self.providers[("checklist", tenant.checklist)],
            *tenant.plugins,
        }

    def for_tenant(self, tenant: TenantInfo, hook_name: str) -> Any:
        """A caller of ``hook_name`` that reaches only the plugins ``tenant`` has enabled."""
        enabled = self.enabled_plugin_names(tenant)
        others = [p for name, p in self.list_name_plugin() if name not in enabled]
        return self.subset_hook_caller(hook_name, remove_plugins=others)

    def plugin_names(self) -> list[str]:
        return sorted(name for name, _ in self.list_name_plugin())


def _validate_variant(variant: ChecklistVariant, plugin: str) -> None:
    seen: set[str] = set()
    for item in variant.items():
        where = f"checklist {variant.key!r} of plugin {plugin!r}, item {item.key!r}"
        if item.key in seen:
            raise PluginError(f"{where}: duplicate item key")
        seen.add(item.key)
        if item.positive == (item.theme is not None):
            raise PluginError(f"{where}: an item has either a theme or positive=True, not both or neither")
        if item.theme is not None and not isinstance(item.theme, Theme):
            raise PluginError(f"{where}: unknown theme {item.theme!r}")


def _validate_org_model(model: OrgModel, plugin: str) -> None:
    for shape in sample_shapes(model):
        where = f"org model {model.key!r} of plugin {plugin!r}, with options {dict(shape.options)}"
        try:
            declared = model.groups(shape)
        except Exception as error:
            raise PluginError(f"{where}: declaring its groups raised {type(error).__name__}: {error}") from error
        found = problems(declared, shape)
        if found:
            with use_locale("en"):  # start-up errors are for the operator, in English like the others
                raise PluginError(f"{where}: " + "; ".join(f"group {p.describe()}" for p in found))


def _refuse_wrappers(hook: str, implementations: list[pluggy.HookImpl]) -> None:
    """Announcements are called one implementation at a time (see ``core.registry.announcements``): none may wrap."""
    for impl in implementations:
        if impl.hookwrapper or impl.wrapper:
            raise PluginError(f"plugin {impl.plugin_name!r} wraps {hook}, an announcement: implement it plainly")


def build_plugin_manager(extra_plugins: Iterable[object] = ()) -> EstPluginManager:
    pm = EstPluginManager()
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints("est")
    for plugin in extra_plugins:
        pm.register(plugin)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as error:
        raise PluginError(f"plugin {error.plugin!r}: {error}") from error
    pm.collect_registrations()
    return pm
