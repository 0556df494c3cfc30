"""Row-level security for tenant-owned tables: the second wall, on PostgreSQL.

Every new tenant-owned table's migration calls :func:`enable_tenant_rls`. Its policy admits a row only when its
``tenant_id`` equals the transaction's ``est.tenant_id`` setting (set by ``core.tenancy`` at the start of every
transaction); nothing the application role can set opens it further. ``FORCE`` makes the policies apply to the
table owner too, which a second policy admits to every row: the owner (migrations, the SECURITY DEFINER functions
of migration 0006) can switch row-level security off anyway, and the application connects as a role that owns
nothing and is no member of the owner (``core.db.refuse_privileged_role``).
"""

from __future__ import annotations

from alembic import op

TENANT = "nullif(current_setting('est.tenant_id', true), '')::int"
# Until migration 0006 the policy also admitted every row when the (settable by anyone) ``est.bypass`` was 'on'.
_BYPASS = "coalesce(current_setting('est.bypass', true), '') = 'on'"


def enable_tenant_rls(table: str, *, platform_rows: bool = False) -> None:
    """Put ``table`` under the wall. ``platform_rows``: rows with no tenant (a NULL ``tenant_id``) belong to the
    platform and are seen only by transactions with no tenant set."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    create_policies(table, platform_rows=platform_rows)


def create_policies(table: str, *, platform_rows: bool = False) -> None:
    match = f"tenant_id IS NOT DISTINCT FROM {TENANT}" if platform_rows else f"tenant_id = {TENANT}"
    op.execute(f"CREATE POLICY tenant_wall ON {table} USING ({match}) WITH CHECK ({match})")
    op.execute(f"CREATE POLICY owner_all ON {table} TO CURRENT_USER USING (true) WITH CHECK (true)")


def drop_policies(table: str) -> None:
    op.execute(f"DROP POLICY IF EXISTS tenant_wall ON {table}")
    op.execute(f"DROP POLICY IF EXISTS owner_all ON {table}")


def create_bypass_policy(table: str) -> None:
    """The policy before migration 0006 (for its downgrade only)."""
    op.execute(
        f"CREATE POLICY tenant_wall ON {table} USING (tenant_id = {TENANT} OR {_BYPASS}) "
        f"WITH CHECK (tenant_id = {TENANT} OR {_BYPASS})"
    )


def disable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    drop_policies(table)
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
