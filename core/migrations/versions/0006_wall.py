"""The database wall holds against the application role itself.

Until now the policies admitted every row when ``est.bypass`` was 'on' — a setting any role can make. Now:

* every policy admits a row only for the transaction's ``est.tenant_id`` (no tenant set: no tenant rows), plus
  the owner role (``core.migrations.rls``); ``jobs`` joins the wall, its platform rows (no tenant) seen only with
  no tenant set;
* the application role cannot SELECT ``users.password_hash`` nor ``api_tokens.token_hash`` (column grants,
  ``core.migrate.grant_app_role``); API tokens and web sessions are both rows of ``api_tokens`` (``kind``);
* the few reads across tenants or of a hash are SECURITY DEFINER functions owned by the schema owner, with
  ``search_path`` pinned, each bound to a secret of the caller so that the application role cannot ask about
  anybody else:

  - ``est_credential(digest, kind)``: the token or session with that SHA-256 digest (unexpired): its id, user and
    last use;
  - ``est_caller_memberships(digest)``: the memberships (tenant, role) of the active user holding that token or
    session — what /auth/me and the tenant listing show;
  - ``est_password_salt(email)``: the argon2 parameters and salt of a user's password, without the hash (salts
    are not secret); ``est_password_check(email, candidate)``: the user whose argon2 hash equals ``candidate``,
    computed by the application from the password and that salt. The hash itself never leaves the database;
  - ``est_job_tenant(job_id)``: the tenant of a job, given its random id (a UUID known only to whoever enqueued
    it and those it was shown to), so that a job can be read inside its tenant's wall.
"""

import sqlalchemy as sa
from alembic import op

from core.migrations.rls import (
    create_bypass_policy,
    create_policies,
    disable_tenant_rls,
    drop_policies,
    enable_tenant_rls,
)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FUNCTIONS = {
    "est_credential(p_digest text, p_kind text)": (
        "TABLE(id integer, user_id integer, last_used_at timestamptz)",
        "SELECT id, user_id, last_used_at FROM api_tokens "
        "WHERE token_hash = p_digest AND kind = p_kind AND expires_at > now()",
    ),
    "est_caller_memberships(p_digest text)": (
        "TABLE(tenant_id integer, role text)",
        "SELECT m.tenant_id, m.role::text FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "JOIN memberships m ON m.user_id = u.id "
        "WHERE t.token_hash = p_digest AND t.expires_at > now() AND u.active ORDER BY m.tenant_id",
    ),
    "est_password_salt(p_email text)": (
        "TABLE(setting text)",
        "SELECT regexp_replace(password_hash, '[$][^$]*$', '') FROM users WHERE email = p_email",
    ),
    "est_password_check(p_email text, p_candidate text)": (
        "TABLE(user_id integer)",
        "SELECT id FROM users WHERE email = p_email AND password_hash = p_candidate",
    ),
    "est_job_tenant(p_job_id text)": ("TABLE(tenant_id integer)", "SELECT tenant_id FROM jobs WHERE id = p_job_id"),
}


def _earlier_tables() -> tuple[str, ...]:
    from core.migrations import versions  # lists them across migrations (imported late: it imports this module)

    return tuple(t for t in versions.TENANT_TABLES if t not in TENANT_TABLES)


# Only this migration's own addition: TENANT_TABLES (every table under the wall) then includes ``jobs``.
TENANT_TABLES = ("jobs",)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), nullable=False, server_default="token"))
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _earlier_tables():
        drop_policies(table)
        create_policies(table)
    enable_tenant_rls("jobs", platform_rows=True)
    for signature, (returns, body) in FUNCTIONS.items():
        # PL/pgSQL keeps each body's plan for the connection (a SQL function is planned at every call, and
        # est_credential runs on every token request).
        op.execute(
            f"CREATE FUNCTION {signature} RETURNS {returns} LANGUAGE plpgsql STABLE SECURITY DEFINER "
            f"SET search_path = public, pg_temp AS $$ #variable_conflict use_column\n BEGIN RETURN QUERY {body}; END $$"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for signature in FUNCTIONS:
            op.execute(f"DROP FUNCTION {signature}")
        disable_tenant_rls("jobs")
        for table in _earlier_tables():
            drop_policies(table)
            create_bypass_policy(table)
    op.execute("DELETE FROM api_tokens WHERE kind <> 'token'")
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_column("name")
        batch_op.drop_column("kind")
