"""reports that arrive for a period after its picture was compiled are marked, never lost

``reports.after_compilation`` is set when the report is stored: true when a picture of its period whose scope it
falls in (the tenant, its area, its organisation's leg) had been compiled. Few reports are late, so the partial
index on (tenant_id, created_at) of the late ones is small; the next period's picture reads its late arrivals with it.

Reporting decides lateness from the tenant's catalogue, which requests keep in memory while the tenant's revision is
unchanged (0005): so a change to ``lagesbilder`` bumps the revision too, and the next report sees the compilation.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 00:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

LATE = "after_compilation"
INDEX = "ix_reports_tenant_late_arrivals"
BUMP = "UPDATE tenants SET revision = revision + 1 WHERE id = {row}.tenant_id"
EVENTS = (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD"))


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column(LATE, sa.Boolean(), nullable=False, server_default=sa.false()))
    late = sa.text(LATE)
    op.create_index(INDEX, "reports", ["tenant_id", "created_at"], postgresql_where=late, sqlite_where=late)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER est_tenant_revision AFTER INSERT OR UPDATE OR DELETE ON lagesbilder "
            "FOR EACH ROW EXECUTE FUNCTION est_bump_tenant_revision()"
        )
        return
    for event, row in EVENTS:
        op.execute(
            f"CREATE TRIGGER est_tenant_revision_lagesbilder_{event} AFTER {event.upper()} ON lagesbilder "
            f"BEGIN {BUMP.format(row=row)}; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER est_tenant_revision ON lagesbilder")
    else:
        for event, _row in EVENTS:
            op.execute(f"DROP TRIGGER est_tenant_revision_lagesbilder_{event}")
    op.drop_index(INDEX, table_name="reports")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column(LATE)
