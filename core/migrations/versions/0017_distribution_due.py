"""a published lägesbild whose distribution is still due

``lagesbilder.distribute_via`` is set in the transaction that publishes a picture to be distributed: the address
the publisher reached est at (its opt-out links point there). The distribution job clears it in the transaction
that queues the messages. A picture published long enough ago with it still set is one whose distribution job was
never queued (the process died between the commit and the enqueue, or the queue was down): the cycle housekeeping
queues it again, and notes in ``distribution_retry_at`` when it may try once more: as long again as the picture
has waited, so a picture whose distribution keeps failing is tried ever more rarely, and not after a week.
Queuing is idempotent, and the job claims the picture first, so a sweep racing the first job adds nothing.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 07:00:00
"""

import sqlalchemy as sa
from alembic import op

import core.db

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place (no batch copy on SQLite), nullable: every picture published so far was distributed or never
    # meant to be.
    op.add_column("lagesbilder", sa.Column("distribute_via", sa.String(length=300), nullable=True))
    op.add_column("lagesbilder", sa.Column("distribution_retry_at", core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("lagesbilder", "distribution_retry_at")
    op.drop_column("lagesbilder", "distribute_via")
