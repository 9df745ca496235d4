"""overdracht: the enforcement history taken over from the previous gemeente on a move, and the day a person moved
away (no candidates after it)

Revision ID: 9a4c2e7f1b38
Revises: 7d5e1b9c3a62
Create Date: 2026-12-03 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9a4c2e7f1b38"
down_revision: str | None = "7d5e1b9c3a62"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inburgeraar_feit", sa.Column("verhuisd_datum", sa.Date(), nullable=True))
    op.create_table(
        "overgenomen_handhaving",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("inburgeraar_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("van_gemeente", sa.String(length=4), nullable=False),
        sa.Column("verhuisdatum", sa.Date(), nullable=True),
        sa.Column("dossier", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overgenomen_handhaving")),
    )
    op.create_index("ix_overgenomen_handhaving_inburgeraar_id", "overgenomen_handhaving", ["inburgeraar_id"])


def downgrade() -> None:
    op.drop_index("ix_overgenomen_handhaving_inburgeraar_id", "overgenomen_handhaving")
    op.drop_table("overgenomen_handhaving")
    op.drop_column("inburgeraar_feit", "verhuisd_datum")
