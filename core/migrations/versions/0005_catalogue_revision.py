"""tenants.catalogue_revision: bumped by the database on every change to what reporting checks against

Reporting checks a report against the tenant's published checklist, areas, organisations, reporter functions
and cycle deadlines. Processes keep that catalogue in memory (``core.reports.catalogue``) and reload it when the
tenant row — read on every request anyway — shows a new revision. Triggers bump the revision, so every write
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

# table → the UPDATE that changes what reporting sees (cycles: only their deadline matters to a report)
WATCHED = {
    "areas": "UPDATE",
    "organisations": "UPDATE",
    "reporter_functions": "UPDATE",
    "checklist_versions": "UPDATE",
    "cycles": "UPDATE OF deadline",
}
BUMP = "UPDATE tenants SET catalogue_revision = catalogue_revision + 1 WHERE id = {row}.tenant_id"


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("catalogue_revision", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION est_bump_catalogue_revision() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN {BUMP.format(row='OLD')}; ELSE {BUMP.format(row='NEW')}; END IF; "
            "RETURN NULL; END $$"
        )
        for table, update in WATCHED.items():
            op.execute(
                f"CREATE TRIGGER est_catalogue_revision AFTER INSERT OR {update} OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION est_bump_catalogue_revision()"
            )
        return
    for table, update in WATCHED.items():
        for event, row in (("INSERT", "NEW"), (update, "NEW"), ("DELETE", "OLD")):
            name = f"est_catalogue_revision_{table}_{event.split()[0].lower()}"
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {BUMP.format(row=row)}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER est_catalogue_revision ON {table}")
        op.execute("DROP FUNCTION est_bump_catalogue_revision()")
    else:
        for table in WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER est_catalogue_revision_{table}_{event}")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("catalogue_revision")
