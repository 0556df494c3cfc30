"""Migration scripts. ``TENANT_TABLES`` lists every table under row-level security, across migrations."""

from __future__ import annotations

import importlib
from pathlib import Path


def _tenant_tables() -> tuple[str, ...]:
    tables: list[str] = []
    for path in sorted(Path(__file__).parent.glob("[0-9]*.py")):
        module = importlib.import_module(f"{__name__}.{path.stem}")
        tables.extend(getattr(module, "TENANT_TABLES", ()))
    return tuple(tables)


TENANT_TABLES = _tenant_tables()
