"""tenants.revision: bumped by the database on every change to a tenant's row, its memberships and what reporting
checks against

Every request reads its tenant's row and the caller's membership; reporting checks a report against the tenant's
published checklist, areas, organisations, reporter functions and cycle deadlines. Processes keep these in memory
(``core.tenants.cache``) and reload them when the tenant's revision changes. Triggers bump it, so every write
counts, whichever code path (ORM, bulk statement, raw SQL) makes it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# table → the UPDATE that changes what requests see (cycles: only their deadline matters to a report)
WATCHED = {
    "areas": "UPDATE",
    "organisations": "UPDATE",
    "reporter_functions": "UPDATE",
    "checklist_versions": "UPDATE",
    "cycles": "UPDATE OF deadline",
    "memberships": "UPDATE",
}
BUMP = "UPDATE tenants SET revision = revision + 1 WHERE id = {row}.tenant_id"


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION est_bump_tenant_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN {BUMP.format(row='OLD')}; ELSE {BUMP.format(row='NEW')}; END IF; "
            "RETURN NULL; END $$"
        )
        for table, update in WATCHED.items():
            op.execute(
                f"CREATE TRIGGER est_tenant_revision AFTER INSERT OR {update} OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION est_bump_tenant_revision()"
            )
        # A change to the row itself, unless it is one of the bumps above.
        op.execute(
            "CREATE FUNCTION est_tenant_row_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.revision = OLD.revision THEN NEW.revision := OLD.revision + 1; END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER est_tenant_revision BEFORE UPDATE ON tenants "
            "FOR EACH ROW EXECUTE FUNCTION est_tenant_row_revision()"
        )
        return
    for table, update in WATCHED.items():
        for event, row in (("INSERT", "NEW"), (update, "NEW"), ("DELETE", "OLD")):
            name = f"est_tenant_revision_{table}_{event.split()[0].lower()}"
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {BUMP.format(row=row)}; END")
    # SQLite does not fire a trigger from its own UPDATE (recursive_triggers is off), and the WHEN skips the bumps.
    op.execute(
        "CREATE TRIGGER est_tenant_revision_tenants_update AFTER UPDATE ON tenants "
        "WHEN NEW.revision = OLD.revision BEGIN UPDATE tenants SET revision = revision + 1 WHERE id = NEW.id; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*WATCHED, "tenants"):
            op.execute(f"DROP TRIGGER est_tenant_revision ON {table}")
        op.execute("DROP FUNCTION est_bump_tenant_revision()")
        op.execute("DROP FUNCTION est_tenant_row_revision()")
    else:
        for table in WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER est_tenant_revision_{table}_{event}")
        op.execute("DROP TRIGGER est_tenant_revision_tenants_update")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("revision")
