"""onderdeel_uitkomst: the gemeente's judgement on a MAP or PVT part not achieved (reasons, verwijtbaarheid)

Revision ID: 7e3b9d21c4a8
Revises: 9d3f5a7c1e28
Create Date: 2026-12-03 16:18:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7e3b9d21c4a8"
down_revision: str | None = "9d3f5a7c1e28"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "onderdeel_uitkomst",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("pip_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("onderdeel", sa.String(length=10), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("redenen", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("verwijtbaar", sa.Boolean(), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["pip_id"], ["pip.id"], name=op.f("fk_onderdeel_uitkomst_pip_id_pip"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onderdeel_uitkomst")),
    )
    op.create_index(op.f("ix_onderdeel_uitkomst_pip_id"), "onderdeel_uitkomst", ["pip_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_onderdeel_uitkomst_pip_id"), table_name="onderdeel_uitkomst")
    op.drop_table("onderdeel_uitkomst")
