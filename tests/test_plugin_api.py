"""The plugin surface: versioned, the only part of core plugins import, and never imported by core itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import core.plugin_api
from core.registry.manager import DEFAULT_PLUGINS

ROOT = Path(__file__).resolve().parent.parent
# Everything written as a plugin: the built-ins, the test plugins and the example third-party distribution.
PLUGIN_DIRS = (ROOT / "plugins", ROOT / "tests" / "plugins", ROOT / "tests" / "fixtures" / "est-plugin-example")


def core_imports(source: str) -> set[str]:
    """Every ``core`` module a module's source imports, anywhere in it (``TYPE_CHECKING`` blocks and functions
    included), by full name: ``from core import x`` counts as ``core.x``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "core")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "core":
                found.update(f"core.{alias.name}" for alias in node.names)
            elif node.module.startswith("core."):
                found.add(node.module)
    return found


def _modules(*folders: Path) -> dict[Path, set[str]]:
    return {
        path: core_imports(path.read_text())
        for folder in folders
        for path in sorted(folder.rglob("*.py"))
        if ".venv" not in path.parts
    }


def test_the_import_check_sees_every_form_of_import() -> None:
    source = """
import core.tenancy
import core
from core import db
from core.domain import Leg
from core.plugin_api import hookimpl
from . import sibling
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from core.reports.models import Report
def later():
    import core.jobs.runner as runner
"""
    assert core_imports(source) == {
        "core",
        "core.tenancy",
        "core.db",
        "core.domain",
        "core.plugin_api",
        "core.reports.models",
        "core.jobs.runner",
    }


def test_plugins_import_nothing_from_core_but_the_plugin_api() -> None:
    modules = _modules(*PLUGIN_DIRS)
    built_in = {ROOT / (name.replace(".", "/") + ".py") for name in DEFAULT_PLUGINS}
    examples = {ROOT / "tests" / "plugins" / "org_model_e.py", PLUGIN_DIRS[2] / "est_plugin_example.py"}
    assert built_in | examples <= set(modules), "the walk missed known plugin files"
    for path in built_in | examples:
        assert modules[path] == {"core.plugin_api"}, f"{path.relative_to(ROOT)} imports {modules[path]}"
    outside = {
        str(path.relative_to(ROOT)): sorted(imports - {"core.plugin_api"})
        for path, imports in modules.items()
        if imports - {"core.plugin_api"}
    }
    assert outside == {}, "plugins import core only through core.plugin_api"


def test_core_never_imports_the_plugin_api() -> None:
    """The surface re-exports core's types; core itself imports them from where they live."""
    modules = _modules(ROOT / "core")
    assert ROOT / "core" / "plugin_api.py" in modules and len(modules) > 50, "the walk missed core's modules"
    assert {"core.domain", "core.jobs", "core.tenancy"} <= modules[ROOT / "core" / "plugin_api.py"]
    importers = sorted(
        str(path.relative_to(ROOT))
        for path, imports in modules.items()
        if "core.plugin_api" in imports and path != ROOT / "core" / "plugin_api.py"
    )
    assert importers == []


def test_the_surface_is_versioned_and_everything_it_lists_exists() -> None:
    surface = core.plugin_api
    assert re.fullmatch(r"[1-9]\d*\.\d+", surface.API_VERSION)
    assert [name for name in surface.__all__ if not hasattr(surface, name)] == []
    assert {"API_VERSION", "TenantInfo"} <= set(surface.__all__)
