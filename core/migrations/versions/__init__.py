"""Migration scripts. ``TENANT_TABLES`` lists every table under row-level security, across migrations: each
migration names the tenant tables it creates (``TENANT_TABLES``) and those it drops (``DROPPED_TENANT_TABLES``)."""

from __future__ import annotations

import importlib
from pathlib import Path


def tenant_tables(before: str | None = None) -> tuple[str, ...]:
    """The tables under row-level security, as the migrations numbered below ``before`` (all: ``None``) left them: a
    migration that acts on every earlier table must not see the tables later migrations add."""
    tables: list[str] = []
    for path in sorted(Path(__file__).parent.glob("[0-9]*.py")):
        if before is not None and path.stem >= before:
            break
        module = importlib.import_module(f"{__name__}.{path.stem}")
        tables.extend(getattr(module, "TENANT_TABLES", ()))
        dropped = set(getattr(module, "DROPPED_TENANT_TABLES", ()))
        tables = [table for table in tables if table not in dropped]
    return tuple(tables)


TENANT_TABLES = tenant_tables()
