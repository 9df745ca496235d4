"""verhuizing: moves registered at the gemeente left, dossiers taken over from the previous gemeente, and where a
registration came from (Besluit inburgering 2021 art. 9.4 lid 4)

Revision ID: 7d2f4b8e1c63
Revises: 3e8b6f2a9c41
Create Date: 2026-12-03 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7d2f4b8e1c63"
down_revision: str | None = "3e8b6f2a9c41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inburgeraar", sa.Column("herkomst", postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.create_table(
        "verhuizing",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("inburgeraar_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("van_gemeente", sa.String(length=4), nullable=False),
        sa.Column("naar_gemeente", sa.String(length=4), nullable=False),
        sa.Column("verhuisdatum", sa.Date(), nullable=True),
        sa.Column("bron", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("aangemeld_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("overgedragen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inburgeraar_id"],
            ["inburgeraar.id"],
            name=op.f("fk_verhuizing_inburgeraar_id_inburgeraar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verhuizing")),
    )
    op.create_index(op.f("ix_verhuizing_inburgeraar_id"), "verhuizing", ["inburgeraar_id"], unique=False)
    op.create_table(
        "overgenomen_dossier",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("inburgeraar_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("van_gemeente", sa.String(length=4), nullable=False),
        sa.Column("verhuisdatum", sa.Date(), nullable=True),
        sa.Column("dossier", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["inburgeraar_id"],
            ["inburgeraar.id"],
            name=op.f("fk_overgenomen_dossier_inburgeraar_id_inburgeraar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overgenomen_dossier")),
    )
    op.create_index(
        op.f("ix_overgenomen_dossier_inburgeraar_id"), "overgenomen_dossier", ["inburgeraar_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_overgenomen_dossier_inburgeraar_id"), table_name="overgenomen_dossier")
    op.drop_table("overgenomen_dossier")
    op.drop_index(op.f("ix_verhuizing_inburgeraar_id"), table_name="verhuizing")
    op.drop_table("verhuizing")
    op.drop_column("inburgeraar", "herkomst")
