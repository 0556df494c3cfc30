"""PostgreSQL's row-level security: the second wall, which holds even for raw SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from core.migrations.versions import TENANT_TABLES
from tests.helpers import Api


@pytest.fixture
def app_role_engine(settings, real_services: bool):
    if not real_services:
        pytest.skip("row-level security is a PostgreSQL feature")
    engine = create_engine(settings.database_url)
    yield engine
    engine.dispose()


def _tenant_ids(connection) -> dict[str, int]:
    return dict(connection.execute(text("select slug, id from tenants")).all())


def test_the_application_role_is_not_the_owner_and_cannot_bypass(app_role_engine) -> None:
    with app_role_engine.connect() as connection:
        superuser, bypass = connection.execute(
            text("select rolsuper, rolbypassrls from pg_roles where rolname = current_user")
        ).one()
        owners = connection.execute(
            text("select distinct tableowner from pg_tables where schemaname = 'public'")
        ).scalars()
        assert not superuser and not bypass
        assert connection.execute(text("select current_user")).scalar() not in set(owners)


def test_raw_sql_with_tenant_a_set_returns_none_of_b(api: Api, app_role_engine) -> None:
    api.onboard("alfa")
    api.onboard("beta")
    api.user("rapportor@alfa.test", tenant="alfa")
    api.user("rapportor@beta.test", tenant="beta")
    with app_role_engine.begin() as connection:
        ids = _tenant_ids(connection)
        # Not vacuous: these tables hold rows of both tenants, so seeing none of beta's proves the wall.
        connection.execute(text("select set_config('est.bypass', 'on', true)"))
        both = {
            t
            for t in TENANT_TABLES
            if connection.execute(text(f"select count(distinct tenant_id) from {t}")).scalar() == 2
        }
        connection.execute(text("select set_config('est.bypass', '', true)"))
        assert {"areas", "organisations", "reporter_functions", "groups", "memberships", "cycles"} <= both, both
        connection.execute(text("select set_config('est.tenant_id', :t, true)"), {"t": str(ids["alfa"])})
        for table in TENANT_TABLES:
            seen = set(connection.execute(text(f"select tenant_id from {table}")).scalars())
            assert seen <= {ids["alfa"]}, table
        assert connection.execute(text("select count(*) from areas")).scalar() == 2
        # Writing a row for another tenant is refused by the policy's WITH CHECK.
        with pytest.raises(Exception, match="row-level security"):
            connection.execute(
                text("insert into areas (tenant_id, key, name, active) values (:t, 'x', 'X', true)"),
                {"t": ids["beta"]},
            )


def test_with_no_tenant_set_raw_sql_sees_nothing(api: Api, app_role_engine) -> None:
    api.onboard("alfa")
    with app_role_engine.connect() as connection:
        for table in ("areas", "organisations", "groups", "cycles"):  # not vacuous: alfa has rows in these
            connection.execute(text("select set_config('est.bypass', 'on', true)"))
            assert connection.execute(text(f"select count(*) from {table}")).scalar() > 0, table
            connection.execute(text("select set_config('est.bypass', '', true)"))
        for table in TENANT_TABLES:
            assert connection.execute(text(f"select count(*) from {table}")).scalar() == 0, table


# Tables with a tenant_id that the ORM treats as platform tables (their rows may have no tenant), walled all the same.
PLATFORM_TABLES_WITH_TENANT = {"jobs": "a job may belong to no tenant; a tenant's jobs hold its results"}


def test_every_tenant_table_is_walled(app_role_engine) -> None:
    """Meta-test, on the live catalogue: every table with a tenant_id is in TENANT_TABLES (or a named platform
    table), and each, platform tables included, has row-level security enabled and forced with the
    tenant_wall policy on est.tenant_id."""
    with app_role_engine.connect() as connection:
        with_tenant = set(connection.execute(text(
            "select table_name from information_schema.columns where table_schema = 'public' "
            "and column_name = 'tenant_id'"
        )).scalars())  # fmt: skip
        walled = set(connection.execute(text(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relkind = 'r' and c.relrowsecurity and c.relforcerowsecurity"
        )).scalars())  # fmt: skip
        policies = dict(connection.execute(text(
            "select tablename, qual || ' / ' || with_check from pg_policies "
            "where schemaname = 'public' and policyname = 'tenant_wall'"
        )).all())  # fmt: skip
    assert with_tenant - set(PLATFORM_TABLES_WITH_TENANT) == set(TENANT_TABLES)
    assert with_tenant <= walled, with_tenant - walled
    assert set(policies) == with_tenant
    assert all(p.count("est.tenant_id") == 2 for p in policies.values()), policies


def test_the_app_refuses_to_run_as_the_owner_of_the_tables(settings, real_services: bool) -> None:
    from core.db import refuse_privileged_role

    if not real_services:
        pytest.skip("row-level security is a PostgreSQL feature")
    owner = create_engine(settings.migration_database_url)
    try:
        with pytest.raises(RuntimeError, match="owner"):
            refuse_privileged_role(owner)
    finally:
        owner.dispose()
    plain = create_engine(settings.database_url)
    refuse_privileged_role(plain)  # the plain application role is fine
    plain.dispose()
