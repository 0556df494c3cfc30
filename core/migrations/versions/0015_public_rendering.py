"""reserved for the public rendering of a lägesbild: the tenant's count threshold and coordinator-marked public text

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 03:10:00
"""

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
