"""The plugin system: built-ins registered like third parties, entry-point discovery, validation at start-up."""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core import hookspecs
from core.app import create_app
from core.domain import ChecklistItem, ChecklistSection, ChecklistVariant
from core.plugin_api import hookimpl
from core.registry.manager import DEFAULT_PLUGINS, PluginError, build_plugin_manager
from tests.helpers import Api

EXAMPLE = Path(__file__).parent / "fixtures" / "est-plugin-example"
TESTS = Path(__file__).parent


@pytest.mark.hook("est_register_org_models")
@pytest.mark.hook("est_register_checklists")
def test_plugins_endpoint_lists_the_six_built_ins(api: Api) -> None:
    body = api.get("/api/v1/plugins").get_json()
    assert [m["key"] for m in body["org_models"]] == ["A", "B", "C"]
    assert [c["key"] for c in body["checklists"]] == ["boras", "malmo", "orebro"]
    assert set(DEFAULT_PLUGINS) <= set(body["plugins"])
    malmo = next(c for c in body["checklists"] if c["key"] == "malmo")
    assert [s["answered_by"] for s in malmo["sections"]] == ["polis", "fastighetsforetag", "kommun", "kommun"]
    orebro = next(c for c in body["checklists"] if c["key"] == "orebro")
    assert [i["text"] for i in orebro["sections"][0]["items"]][:2] == ["Skadegörelse", "Brand"]


def test_checklist_contents_are_complete() -> None:
    pm = build_plugin_manager()
    # Only the built-ins: a third-party distribution another test installed may be discoverable too.
    built_in = {key: v for key, v in pm.checklists.items() if pm.providers[("checklist", key)] in DEFAULT_PLUGINS}
    counts = {key: len(variant.items()) for key, variant in built_in.items()}
    assert counts == {"orebro": 8, "boras": 16, "malmo": 31}
    for variant in built_in.values():
        for item in variant.items():
            assert (item.theme is None) == item.positive, item.key


class _Duplicate:
    @hookimpl
    def est_register_checklists(self) -> list[ChecklistVariant]:
        item = ChecklistItem(key="x", text="X", positive=True)
        return [
            ChecklistVariant(
                key="orebro", name="Kopia", description="", sections=(ChecklistSection("s", "S", (item,)),)
            )
        ]


class _UnknownHook:
    @hookimpl
    def est_no_such_hook(self) -> None: ...


def test_duplicate_key_stops_start_up_naming_both_plugins() -> None:
    duplicate = _Duplicate()  # registered unnamed, so pluggy names it by its id
    both = f"checklist key 'orebro' registered by both 'plugins.checklists.orebro' and '{id(duplicate)}'"
    with pytest.raises(PluginError, match=re.escape(both)):
        build_plugin_manager([duplicate])


def test_unknown_hook_stops_start_up() -> None:
    with pytest.raises(PluginError, match="est_no_such_hook"):
        build_plugin_manager([_UnknownHook()])


def _hooks_marked_in_tests() -> set[str]:
    """Hook names named by ``@pytest.mark.hook("…")`` on any test."""
    marked = set()
    for path in TESTS.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "hook"
                and ast.unparse(node.func.value) == "pytest.mark"
            ):
                marked.update(arg.value for arg in node.args if isinstance(arg, ast.Constant))
    return marked


# How a hook's results are combined, as its docstring must say it, and whether that is pluggy's firstresult.
SEMANTICS = {"First result wins": True, "All results are collected": False, "All implementations are called": False}


def test_every_hook_is_documented_and_tested() -> None:
    """Meta-test: each hookspec's docstring states exactly one call semantics, the one its spec declares, and a
    test is marked for it."""
    names = [n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("est_")]
    assert names
    marked = _hooks_marked_in_tests()
    for name in names:
        spec = getattr(hookspecs, name)
        stated = [phrase for phrase in SEMANTICS if phrase in (inspect.getdoc(spec) or "")]
        assert len(stated) == 1, f"{name}: say how results are combined, once: {' / '.join(SEMANTICS)}"
        assert SEMANTICS[stated[0]] == bool(spec.est_spec.get("firstresult")), f"{name}: {stated[0]!r} is wrong"
        assert name in marked, f"{name} has no test marked @pytest.mark.hook({name!r})"
    assert marked <= set(names), f"tests mark unknown hooks: {marked - set(names)}"


@pytest.fixture(scope="module")
def installed_example(tmp_path_factory: pytest.TempPathFactory):
    """Install the example distribution for real (pip, into a target folder put on sys.path)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
    )
    sys.path.insert(0, str(target))
    yield target
    sys.path.remove(str(target))
    sys.modules.pop("est_plugin_example", None)


@pytest.fixture
def example_plugin(installed_example):
    """The installed example's module, with the onboardings it recorded in earlier tests forgotten."""
    import est_plugin_example

    est_plugin_example.onboarded.clear()
    return est_plugin_example


@pytest.mark.hook("est_tenant_onboarded")
def test_third_party_distribution_is_discovered_and_a_tenant_onboards_with_it(settings, example_plugin) -> None:
    app = create_app(settings)
    pm = app.extensions["est.plugins"]
    assert pm.providers[("org_model", "D")] == "example"
    assert pm.providers[("checklist", "trygghetsvandring")] == "example"
    api = Api(app)
    admin = api.user("admin@plattform.test", admin=True)
    from tests.fixtures.tenant_doc import tenant_doc

    response = api.post(
        "/api/v1/tenants",
        admin,
        json=tenant_doc("delta", org_model="D", checklist="trygghetsvandring", org_model_options={}),
    )
    assert response.status_code == 201, response.get_json()
    groups = api.get("/api/v1/tenants/delta/groups", admin).get_json()["items"]
    assert {g["key"] for g in groups} == {"omradesrad", "vandring_centrum", "vandring_norr"}
    assert example_plugin.onboarded == [("delta", True)]


def test_lifecycle_hooks_reach_only_plugins_the_tenant_enabled(settings, example_plugin) -> None:
    """Installed is not enabled: est_tenant_onboarded is not called on the example plugin for a tenant using
    built-ins only, and is once the tenant names the plugin."""
    api = Api(create_app(settings))
    api.onboard("alfa")
    assert example_plugin.onboarded == []
    api.onboard("alfa", plugins=["example"])
    assert example_plugin.onboarded == [("alfa", False)]
