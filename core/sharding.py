"""The plan for growing est past one PostgreSQL: Citus, with every tenant's rows on one node.

A table whose every row belongs to a tenant (a NOT NULL ``tenant_id``) is *distributed* by ``tenant_id``, all of
them colocated so that a tenant's joins and foreign keys stay on one node; every other table (tenants, users,
tokens, jobs, which also holds platform jobs with no tenant) is a *reference* table, copied to every node. Alembic's
own ``alembic_version`` stays on the coordinator. The plan is read from a live schema, so it always covers every
table; ``README.md`` shows it and ``tests/test_tenant_keys.py`` checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import TopologicalSorter

from sqlalchemy import Connection, inspect

DISTRIBUTION_COLUMN = "tenant_id"
LOCAL_TABLES = frozenset({"alembic_version"})


@dataclass(frozen=True)
class ShardingPlan:
    """Table names, each kind in an order Citus accepts (a table after those its foreign keys point at)."""

    distributed: tuple[str, ...]
    reference: tuple[str, ...]

    def statements(self) -> list[str]:
        """The SQL that distributes a database made by ``est db upgrade`` on a Citus coordinator."""
        calls = [f"SELECT create_reference_table('{table}');" for table in self.reference]
        first, *rest = self.distributed
        calls.append(f"SELECT create_distributed_table('{first}', '{DISTRIBUTION_COLUMN}');")
        calls += [
            f"SELECT create_distributed_table('{table}', '{DISTRIBUTION_COLUMN}', colocate_with => '{first}');"
            for table in rest
        ]
        return calls


def sharding_plan(connection: Connection) -> ShardingPlan:
    """The plan for the schema ``connection`` sees (PostgreSQL or SQLite alike)."""
    inspector = inspect(connection)
    tables = [t for t in inspector.get_table_names() if t not in LOCAL_TABLES]
    distributed = {
        table
        for table in tables
        if any(c["name"] == DISTRIBUTION_COLUMN and not c["nullable"] for c in inspector.get_columns(table))
    }
    graph = TopologicalSorter()
    for table in sorted(tables):
        referred = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        graph.add(table, *sorted(referred - {table}))
    graph.prepare()
    order: list[str] = []
    while graph.is_active():
        ready = sorted(graph.get_ready())
        order += ready
        graph.done(*ready)
    return ShardingPlan(
        distributed=tuple(t for t in order if t in distributed),
        reference=tuple(t for t in order if t not in distributed),
    )
