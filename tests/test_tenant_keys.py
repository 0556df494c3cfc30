"""Ready to shard by tenant: on PostgreSQL every key of a tenant table includes tenant_id (what Citus needs to
distribute the tables by it), checked on the live catalogue; README's plan is the schema's; migration 0012 goes
both ways and leaves the wall as it was."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, create_engine, inspect, text

from config.settings import Settings
from core.migrate import alembic_config, upgrade
from core.migrations.versions import tenant_tables
from core.sharding import sharding_plan
from tests.helpers import owner_connection

README = Path(__file__).resolve().parent.parent / "README.md"
# Tables every tenant's rows live in since the first migrations: the catalogue must find at least these.
KNOWN_TENANT_TABLES = {
    "areas",
    "organisations",
    "reporter_functions",
    "groups",
    "memberships",
    "checklist_versions",
    "reports",
    "cycles",
    "lagesbilder",
    "area_assessments",
    "invitations",
    "outbox",
    "notifications",
}
# Tables with a tenant_id that may be NULL: their platform rows belong to no tenant (reference tables).
PLATFORM_ROWS = {"jobs"}


@pytest.fixture
def owner(app, real_services: bool) -> Iterator[Connection]:
    if not real_services:
        pytest.skip("the keys Citus needs are PostgreSQL's; SQLite keeps its integer rowid as the key")
    with owner_connection(app) as connection:
        yield connection


def _tenant_columns(connection: Connection) -> dict[str, bool]:
    """Every table with a tenant_id column → whether that column is NOT NULL."""
    return dict(connection.execute(text(
        "select c.relname, a.attnotnull from pg_attribute a join pg_class c on c.oid = a.attrelid "
        "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' "
        "and a.attname = 'tenant_id' and not a.attisdropped"
    )).all())  # fmt: skip


def _columns(array: str, relation: str) -> str:
    return (
        f"array(select a.attname::text from unnest({array}) with ordinality k(attnum, i) join pg_attribute a "
        f"on a.attrelid = {relation} and a.attnum = k.attnum order by k.i)"
    )


def _constraints(connection: Connection) -> list[tuple]:
    """(table, name, kind p/u/f, columns, referenced table, referenced columns, on delete, on update)."""
    return connection.execute(text(
        f"select c.conrelid::regclass::text, c.conname, c.contype, {_columns('c.conkey', 'c.conrelid')}, "
        f"case when c.contype = 'f' then c.confrelid::regclass::text end, "
        f"{_columns('c.confkey', 'c.confrelid')}, c.confdeltype, c.confupdtype "
        "from pg_constraint c join pg_namespace n on n.oid = c.connamespace "
        "where n.nspname = 'public' and c.contype in ('p', 'u', 'f') order by 1, 2"
    )).all()  # fmt: skip


def _unique_indexes(connection: Connection) -> list[tuple[str, str, list[str]]]:
    """Every unique index (those of constraints, and partial ones made with CREATE UNIQUE INDEX)."""
    return connection.execute(text(
        f"select i.indrelid::regclass::text, x.relname, {_columns('i.indkey', 'i.indrelid')} from pg_index i "
        "join pg_class x on x.oid = i.indexrelid join pg_namespace n on n.oid = x.relnamespace "
        "where n.nspname = 'public' and i.indisunique order by 1, 2"
    )).all()  # fmt: skip


def test_every_key_of_a_tenant_table_includes_tenant_id(owner: Connection) -> None:
    columns = _tenant_columns(owner)
    tenant_tables = {table for table, not_null in columns.items() if not_null}
    assert KNOWN_TENANT_TABLES <= tenant_tables, KNOWN_TENANT_TABLES - tenant_tables
    assert set(columns) - tenant_tables == PLATFORM_ROWS  # a new nullable tenant_id must be a decision
    assert set(sharding_plan(owner).distributed) == tenant_tables

    constraints = _constraints(owner)
    primary = {table: cols for table, _, kind, cols, *_ in constraints if kind == "p"}
    assert {t for t in tenant_tables if "tenant_id" not in primary.get(t, ())} == set()
    assert primary["reports"] == ["tenant_id", "id"]

    uniques = [(t, name, cols) for t, name, cols in _unique_indexes(owner) if t in tenant_tables]
    assert len({t for t, *_ in uniques}) == len(tenant_tables)  # every one has at least its primary key
    assert any(name == "uq_invitations_tenant_id_email_pending" for _, name, _ in uniques)  # a partial one
    assert [(t, name) for t, name, cols in uniques if "tenant_id" not in cols] == []

    foreign = [c for c in constraints if c[2] == "f"]
    between = [c for c in foreign if c[0] in tenant_tables and c[4] in tenant_tables]
    assert ("reports", "fk_reports_tenant_id_area_id_areas") in {(c[0], c[1]) for c in between}
    assert len(between) >= 20
    wrong = []
    for _table, name, _, cols, _target, target_cols, on_delete, on_update in between:
        colocated = "tenant_id" in cols and target_cols[cols.index("tenant_id")] == "tenant_id"
        # SET NULL / SET DEFAULT would change tenant_id, and Citus refuses them (and cascading updates) on it.
        if not colocated or on_delete in ("n", "d") or on_update not in ("a", "r"):
            wrong.append(name)
    assert wrong == []
    # A reference table can point at reference tables only; a tenant table may point at them too.
    into_tenant_rows = [c[1] for c in foreign if c[0] not in tenant_tables and c[4] in tenant_tables]
    assert into_tenant_rows == []
    assert any(c[0] == "reports" and c[4] == "users" for c in foreign)  # allowed: a tenant table → users


def _readme_plan() -> list[str]:
    section = README.read_text(encoding="utf-8").split("\n## Growing past one machine\n", 1)[1]
    block = re.search(r"```sql\n(.*?)```", section, re.S)
    assert block is not None, "README's 'Growing past one machine' has no sql block"
    return [line for line in block.group(1).splitlines() if line.startswith("SELECT ")]


def test_readme_shows_the_plan_of_the_schema(app) -> None:
    """The README's create_reference_table / create_distributed_table calls are those ``est db citus-plan``
    prints for the migrated schema (SQLite or PostgreSQL: the classification is the same)."""
    result = app.test_cli_runner().invoke(args=["db", "citus-plan"])
    assert result.exit_code == 0, result.output
    printed = result.output.strip().splitlines()
    assert any("create_distributed_table('reports', 'tenant_id'" in line for line in printed)
    assert "SELECT create_reference_table('tenants');" in printed
    assert _readme_plan() == printed


def _keys(connection: Connection) -> dict[str, list[str]]:
    inspector = inspect(connection)
    return {
        table: inspector.get_pk_constraint(table)["constrained_columns"]
        for table in ("reports", "groups", "tenants", "jobs")
    }


def _wall(connection: Connection) -> set[tuple]:
    """The policies and the application role's grants, as the catalogue holds them (PostgreSQL)."""
    if connection.dialect.name != "postgresql":
        return set()
    policies = connection.execute(
        text("select tablename, policyname, qual, with_check from pg_policies where schemaname = 'public'")
    ).all()
    grants = connection.execute(
        text(
            "select table_name, privilege_type from information_schema.role_table_grants "
            "where table_schema = 'public' and grantee <> current_user"
        )
    ).all()
    return {("policy", *row) for row in policies} | {("grant", *row) for row in grants}


def test_migration_0012_goes_down_and_up_leaving_the_wall_as_it_was(app, settings: Settings) -> None:
    engine = create_engine(settings.migration_database_url)
    try:
        with engine.connect() as connection:
            keyed, wall = _keys(connection), _wall(connection)
        command.downgrade(alembic_config(settings.migration_database_url), "0011")
        try:
            with engine.connect() as connection:
                unkeyed, wall_at_0011 = _keys(connection), _wall(connection)
                uniques = inspect(connection).get_unique_constraints("reports")
        finally:
            upgrade(settings)
        with engine.connect() as connection:
            assert _keys(connection) == keyed
            assert _wall(connection) == wall
        later = set(tenant_tables()) - set(tenant_tables(before="0012"))  # created after 0012: gone at 0011
        assert later and wall_at_0011 == {entry for entry in wall if entry[1] not in later}
    finally:
        engine.dispose()
    assert unkeyed["reports"] == unkeyed["groups"] == ["id"]
    assert ["tenant_id", "id"] in [u["column_names"] for u in uniques]
    expected = ["tenant_id", "id"] if engine.dialect.name == "postgresql" else ["id"]
    assert keyed["reports"] == keyed["groups"] == expected
    assert keyed["tenants"] == keyed["jobs"] == ["id"]
    if engine.dialect.name == "postgresql":
        assert len(wall) > 50  # not vacuous: every tenant table's two policies and the role's grants
