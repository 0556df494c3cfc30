"""delivery of the outbox over SMTP exactly once: leases, attempts and the server's replies

Placeholder: filled in by the change that needs it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 00:30:00
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
