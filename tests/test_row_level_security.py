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
        for table in TENANT_TABLES:
            assert connection.execute(text(f"select count(*) from {table}")).scalar() == 0, table


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
