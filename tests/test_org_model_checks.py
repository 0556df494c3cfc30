"""Org models declare their groups soundly, or est does not start: checked at start-up like checklists, and again
for each tenant's own areas at onboarding (a 422, never a 500)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from core.app import create_app
from core.plugin_api import THREE_LEGS, GroupSpec, OrgModel, TenantShape, hookimpl
from core.registry.manager import PluginError, build_plugin_manager
from tests.fixtures.tenant_doc import tenant_doc
from tests.helpers import Api


def group(key: str, parent: str | None = None, area: str | None = None) -> GroupSpec:
    return GroupSpec(key=key, name=key.capitalize(), kind="grupp", legs=THREE_LEGS, parent=parent, area=area)


class _Model:
    """A plugin registering org model "X" whose groups ``declare`` gives."""

    def __init__(self, declare: Callable[[TenantShape], list[GroupSpec]], options: dict[str, str] | None = None):
        self.model = OrgModel(key="X", name="X", description="", groups=declare, options=options or {})

    @hookimpl
    def est_register_org_models(self) -> list[OrgModel]:
        return [self.model]


def start_up_error(declare: Callable[[TenantShape], list[GroupSpec]], **options: str) -> str:
    plugin = _Model(declare, options)
    with pytest.raises(PluginError) as raised:
        build_plugin_manager([plugin])
    message = str(raised.value)
    assert message.startswith(f"org model 'X' of plugin '{id(plugin)}', with options "), message
    return message


def test_a_duplicate_group_key_stops_start_up() -> None:
    message = start_up_error(lambda shape: [group("rad"), group("grupp", "rad"), group("grupp", "rad")])
    assert message.endswith("with options {}: group grupp: duplicate group key")


def test_a_parent_that_does_not_exist_stops_start_up() -> None:
    message = start_up_error(lambda shape: [group("rad"), group("grupp", parent="styrelse")])
    assert message.endswith("with options {}: group grupp: parent 'styrelse' does not exist")


def test_a_cycle_of_parents_stops_start_up() -> None:
    message = start_up_error(lambda shape: [group("rad"), group("b", "c"), group("c", "d"), group("d", "b")])
    assert message.endswith("with options {}: group b: its parents form a cycle: b → c → d → b")


def test_a_group_that_is_its_own_parent_stops_start_up() -> None:
    message = start_up_error(lambda shape: [group("rad", parent="rad")])
    assert message.endswith("group rad: its parents form a cycle: rad → rad")


def test_every_problem_is_named_at_once() -> None:
    message = start_up_error(lambda shape: [group("a", "a"), group("b", "saknas"), group("b")])
    problems = message.split(": ", 1)[1].split("; ")
    assert problems == [
        "group b: duplicate group key",
        "group b: parent 'saknas' does not exist",
        "group a: its parents form a cycle: a → a",
    ]


def test_a_group_in_an_area_the_tenant_lacks_stops_start_up() -> None:
    message = start_up_error(lambda shape: [group("rad"), group("lokal", "rad", area="finns_inte")])
    assert message.endswith("group lokal: area 'finns_inte' is not one of the tenant's areas")


def test_groups_are_checked_with_the_models_options_set_too() -> None:
    def declare(shape: TenantShape) -> list[GroupSpec]:
        extra = [group("rad", parent="styrelse")] if shape.options.get("styrelse") else []
        return [group("rad"), *extra]

    message = start_up_error(declare, styrelse="En styrelse över rådet.")
    assert "with options {'styrelse': True}: group rad: duplicate group key" in message


def test_a_model_whose_groups_raise_stops_start_up() -> None:
    message = start_up_error(lambda shape: [group(shape.options["krävs"])])
    assert message.endswith("with options {}: declaring its groups raised KeyError: 'krävs'")


def test_the_built_in_models_pass() -> None:
    assert {"A", "B", "C"} <= set(build_plugin_manager().org_models)


def test_groups_that_break_only_for_a_tenants_areas_are_refused_at_onboarding(settings) -> None:
    """Start-up checks sample areas; a tenant whose area key makes two groups collide gets a 422 on org_model."""
    plugin = _Model(lambda shape: [group("rad"), *(group(f"grupp_{a}", "rad", area=a) for a in shape.areas),
                                   group("grupp_centrum", "rad")])  # fmt: skip
    api = Api(create_app(replace(settings, redis_url=""), extra_plugins=[plugin]))
    admin = api.user("admin@plattform.test", admin=True)
    response = api.post("/api/v1/tenants", admin, json=tenant_doc("alfa", org_model="X", org_model_options={}))
    assert response.status_code == 422, response.get_json()
    [message] = response.get_json()["errors"]["org_model"]
    assert message == (
        "Organisationsmodell X kan inte bilda sina grupper för detta dokument: "
        "grupp_centrum: gruppnyckeln förekommer flera gånger."
    )
    assert api.get("/api/v1/tenants/alfa", admin).status_code == 404
    other_areas = [{"key": "soder", "name": "Söder"}]
    document = tenant_doc("alfa", org_model="X", org_model_options={}, areas=other_areas)
    assert api.post("/api/v1/tenants", admin, json=document).status_code == 201
