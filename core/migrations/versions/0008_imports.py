"""jobs.owner: the process that runs (or will run) a job, so that one left behind by a dead process is found

At start-up a worker or an embedded app fails the jobs whose owner process is gone and discards what they kept (an
import's upload); see ``core.jobs.runner.fail_abandoned``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 22:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("owner")
