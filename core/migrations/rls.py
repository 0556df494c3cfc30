"""Row-level security for tenant-owned tables: the second wall, on PostgreSQL.

Every new tenant-owned table's migration calls :func:`enable_tenant_rls`. The policy admits a row only when
its ``tenant_id`` equals the transaction's ``est.tenant_id`` setting (set by ``core.tenancy`` at the start of
every transaction), or when platform code entered the named bypass (``est.bypass``). ``FORCE`` makes the policy
apply to the table owner too; the application connects as a role that owns nothing.
"""

from __future__ import annotations

from alembic import op

TENANT = "nullif(current_setting('est.tenant_id', true), '')::int"
BYPASS = "coalesce(current_setting('est.bypass', true), '') = 'on'"


def enable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_wall ON {table} USING (tenant_id = {TENANT} OR {BYPASS}) "
        f"WITH CHECK (tenant_id = {TENANT} OR {BYPASS})"
    )


def disable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS tenant_wall ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
