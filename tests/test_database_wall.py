"""The database wall holds against the application role itself: whatever SQL it sends, with a tenant set it sees
that tenant's rows only, without one none, and it can read no password, token or session hash."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from core.jobs import enqueue
from core.models import Base
from tests import job_functions
from tests.helpers import Api


@pytest.fixture
def app_role(settings, real_services: bool):
    """A raw connection as the application role (EST_DATABASE_URL), outside est's sessions and listeners; each
    test runs in one transaction (so that ``set_config(…, true)`` holds for the test)."""
    if not real_services:
        pytest.skip("the second wall is PostgreSQL's row-level security")
    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _tenant_tables(connection) -> set[str]:
    """Every table with a tenant_id: from the models and from the live catalogue, so none can be forgotten."""
    live = connection.execute(
        text(
            "select table_name from information_schema.columns "
            "where table_schema = 'public' and column_name = 'tenant_id'"
        )
    ).scalars()
    modelled = {table.name for table in Base.metadata.sorted_tables if "tenant_id" in table.c}
    return modelled | set(live)


def _two_tenants_with_jobs(api: Api) -> dict[str, str]:
    tokens = {}
    for slug in ("alfa", "beta"):
        api.onboard(slug)
        tokens[slug] = api.user(f"admin@{slug}.test", tenant=slug, role="admin")
    for slug, token in tokens.items():
        with api.app.app_context():
            job_id = enqueue(job_functions.add_area, tenant=_ids(api)[slug], key="soder", name="Söder")
        assert api.wait_for_job(job_id, token)["status"] == "finished"
    return tokens


def _ids(api: Api) -> dict[str, int]:
    engine = create_engine(api.app.config["EST"].database_url)
    with engine.connect() as connection:  # tenants is a platform table: readable
        ids = dict(connection.execute(text("select slug, id from tenants")).all())
    engine.dispose()
    return ids


def _rows_by_tenant(connection, tables: set[str]) -> dict[str, set]:
    return {t: set(connection.execute(text(f"select tenant_id from {t}")).scalars()) for t in sorted(tables)}


def test_the_bypass_setting_gains_nothing_and_no_tenant_sees_no_rows(api: Api, app_role) -> None:
    _two_tenants_with_jobs(api)
    tables = _tenant_tables(app_role)
    assert "jobs" in tables and "reports" in tables
    app_role.execute(text("select set_config('est.bypass', 'on', true)"))
    assert _rows_by_tenant(app_role, tables) == {t: set() for t in tables}
    assert app_role.execute(text("update areas set name = 'x'")).rowcount == 0
    assert app_role.execute(text("update jobs set status = 'failed'")).rowcount == 0


def test_with_a_tenant_set_only_its_rows_whatever_else_is_set(api: Api, app_role) -> None:
    _two_tenants_with_jobs(api)
    ids = _ids(api)
    tables = _tenant_tables(app_role)
    app_role.execute(text("select set_config('est.bypass', 'on', true)"))
    app_role.execute(text("select set_config('est.tenant_id', :t, true)"), {"t": str(ids["alfa"])})
    seen = _rows_by_tenant(app_role, tables)
    assert all(tenants <= {ids["alfa"]} for tenants in seen.values()), seen
    assert seen["jobs"] == {ids["alfa"]} and seen["areas"] == {ids["alfa"]}
    with pytest.raises(ProgrammingError, match="row-level security"):
        app_role.execute(
            text("insert into jobs (id, tenant_id, function, arguments, status, done, attempts, created_at) "
                 "values ('x', :t, 'f', '{}', 'queued', 0, 0, now())"),
            {"t": ids["beta"]},
        )  # fmt: skip


@pytest.mark.parametrize(
    "sql",
    [
        "select password_hash from users",
        "select * from users",
        "select token_hash from api_tokens",
        "select id from api_tokens where token_hash like 'a%'",
    ],
)
def test_hashes_are_not_selectable(api: Api, app_role, sql: str) -> None:
    api.onboard("alfa")
    api.user("admin@alfa.test", tenant="alfa", role="admin")
    with pytest.raises(ProgrammingError, match="permission denied"):
        app_role.execute(text(sql))


def test_the_cross_tenant_functions_reveal_nothing_without_the_callers_secret(api: Api, app_role, settings) -> None:
    _two_tenants_with_jobs(api)
    functions = app_role.execute(
        text("select p.proname, pg_get_function_identity_arguments(p.oid) from pg_proc p "
             "join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.prosecdef")
    ).all()  # fmt: skip
    assert {"est_caller_memberships", "est_job_tenant", "est_credential"} <= {name for name, _ in functions}
    owner = create_engine(settings.migration_database_url)
    with owner.connect() as connection:
        secrets = set(connection.execute(text("select token_hash from api_tokens")).scalars())
        hashes = connection.execute(text("select password_hash from users")).scalars().all()
    owner.dispose()
    secrets |= {h.rsplit("$", 1)[1] for h in hashes}
    for name, arguments in functions:
        guesses = ", ".join("'admin@alfa.test'" if "email" in a else "'x'" for a in arguments.split(", "))
        rows = app_role.execute(text(f"select * from {name}({guesses})")).all()
        if name == "est_password_salt":  # salt and parameters only: not a secret (see migration 0006)
            assert len(rows) == 1 and not any(secret in rows[0][0] for secret in secrets), rows
        else:
            assert rows == [], (name, rows)


def test_a_tokens_digest_reveals_only_its_own_users_memberships(api: Api, app_role) -> None:
    tokens = _two_tenants_with_jobs(api)
    digest = hashlib.sha256(tokens["alfa"].encode()).hexdigest()
    rows = app_role.execute(text("select * from est_caller_memberships(:d)"), {"d": digest}).all()
    assert [row.role for row in rows] == ["admin"] and rows[0].tenant_id == _ids(api)["alfa"]
