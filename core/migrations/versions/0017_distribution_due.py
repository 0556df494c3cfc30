"""a published lägesbild whose distribution is still due

``lagesbilder.distribute_via`` is set in the transaction that publishes a picture to be distributed: the address
the publisher reached est at (its opt-out links point there). The distribution job clears it in the transaction
that queues the messages. A picture published long enough ago with it still set is one whose distribution job was
never queued (the process died between the commit and the enqueue, or the queue was down): the cycle housekeeping
queues it again. Queuing is idempotent, so a sweep racing the first job adds nothing.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place (no batch copy on SQLite), nullable: every picture published so far was distributed or never
    # meant to be.
    op.add_column("lagesbilder", sa.Column("distribute_via", sa.String(length=300), nullable=True))


def downgrade() -> None:
    op.drop_column("lagesbilder", "distribute_via")
