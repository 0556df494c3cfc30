"""reserved for distributing a published lägesbild: deliveries per publication and reporters' opt-outs

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 03:10:00
"""

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
