"""abonnement lease: delivery state per subscription instead of per delivery

Revision ID: 5b2e9c41d7a0
Revises: c16d81b54253
Create Date: 2026-12-01 07:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b2e9c41d7a0"
down_revision: str | None = "c16d81b54253"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("abonnement", sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("abonnement", sa.Column("lease_owner", sa.UUID(), nullable=True))
    op.add_column("abonnement", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "abonnement",
        sa.Column("lease_holds_queue", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index(
        "ix_abonnement_due",
        "abonnement",
        ["next_attempt_at"],
        unique=False,
        postgresql_where="next_attempt_at IS NOT NULL",
    )
    # Deliveries waiting under the old per-delivery leases: the subscription is due when its head is.
    op.execute(
        """
        UPDATE abonnement a SET next_attempt_at = (
            SELECT f.next_attempt_at FROM aflevering f
            WHERE f.abonnement_id = a.id AND f.status = 'wachtend' ORDER BY f.volgnummer LIMIT 1
        )
        """
    )


def downgrade() -> None:
    op.drop_index("ix_abonnement_due", table_name="abonnement", postgresql_where="next_attempt_at IS NOT NULL")
    op.drop_column("abonnement", "lease_holds_queue")
    op.drop_column("abonnement", "lease_until")
    op.drop_column("abonnement", "lease_owner")
    op.drop_column("abonnement", "next_attempt_at")
