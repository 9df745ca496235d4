"""verlengingsverzoek: the circumstances behind a request for verlenging, as the gemeente records them (item q)

Revision ID: 4a8c2e6f1b90
Revises: b91e3c5d7a20
Create Date: 2026-12-03 16:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4a8c2e6f1b90"
down_revision: str | None = "b91e3c5d7a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verlengingsverzoek",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("inburgeraar_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("verzoek_datum", sa.Date(), nullable=False),
        sa.Column("termijn", sa.String(length=10), nullable=False),
        sa.Column("omstandigheden", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("gevraagde_eind_datum", sa.Date(), nullable=True),
        sa.Column("toelichting", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["inburgeraar_id"],
            ["inburgeraar.id"],
            name=op.f("fk_verlengingsverzoek_inburgeraar_id_inburgeraar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verlengingsverzoek")),
    )
    op.create_index(
        op.f("ix_verlengingsverzoek_inburgeraar_id"), "verlengingsverzoek", ["inburgeraar_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_verlengingsverzoek_inburgeraar_id"), table_name="verlengingsverzoek")
    op.drop_table("verlengingsverzoek")
