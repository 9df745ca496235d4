"""herhaaltermijn: failed deliveries are retried for a window per subscription, not a number of attempts

`abonnement.herhaaltermijn_uren` (24 unless the subscriber chose 1–168) and `aflevering.eerste_mislukt_at`,
where the window starts. A delivery already between retries starts its window at its last attempt. The index
finds a subscription's retries (waiting, due later) without reading the rest of its queue.

The index is built while the table is locked for writes: deliveries wait (events stay in NATS) until the
migration is done.

Revision ID: 5e2b8c41d7a9
Revises: 931715ad0acf
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e2b8c41d7a9"
down_revision: str | None = "931715ad0acf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("abonnement", sa.Column("herhaaltermijn_uren", sa.Integer(), server_default="24", nullable=False))
    op.add_column("aflevering", sa.Column("eerste_mislukt_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE aflevering SET eerste_mislukt_at = laatste_poging_at WHERE status = 'wachtend' AND pogingen > 0")
    op.create_index(
        "ix_aflevering_due",
        "aflevering",
        ["abonnement_id", "next_attempt_at"],
        unique=False,
        postgresql_where="status = 'wachtend'",
    )


def downgrade() -> None:
    op.drop_index("ix_aflevering_due", table_name="aflevering", postgresql_where="status = 'wachtend'")
    op.drop_column("aflevering", "eerste_mislukt_at")
    op.drop_column("abonnement", "herhaaltermijn_uren")
