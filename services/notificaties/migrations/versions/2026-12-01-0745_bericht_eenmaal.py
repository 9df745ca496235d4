"""bericht: each event stored once, not once per delivery; delivery log index by volgnummer

Revision ID: 8d41f0c2a9e3
Revises: 5b2e9c41d7a0
Create Date: 2026-12-01 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8d41f0c2a9e3"
down_revision: str | None = "5b2e9c41d7a0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bericht",
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("event", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_bericht")),
    )
    op.execute(
        "INSERT INTO bericht (event_id, event) SELECT DISTINCT ON (event_id) event_id, event FROM aflevering "
        "ORDER BY event_id, created_at"
    )
    op.create_foreign_key(
        op.f("fk_aflevering_event_id_bericht"), "aflevering", "bericht", ["event_id"], ["event_id"], ondelete="CASCADE"
    )
    op.drop_column("aflevering", "event")
    op.drop_index("ix_aflevering_abonnement_created", table_name="aflevering")
    op.create_index("ix_aflevering_abonnement_volgnummer", "aflevering", ["abonnement_id", "volgnummer"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_aflevering_abonnement_volgnummer", table_name="aflevering")
    op.create_index("ix_aflevering_abonnement_created", "aflevering", ["abonnement_id", "created_at"], unique=False)
    op.add_column("aflevering", sa.Column("event", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.execute("UPDATE aflevering f SET event = b.event FROM bericht b WHERE b.event_id = f.event_id")
    op.alter_column("aflevering", "event", nullable=False)
    op.drop_constraint(op.f("fk_aflevering_event_id_bericht"), "aflevering", type_="foreignkey")
    op.drop_table("bericht")
