"""leerbaarheidstoets_melding: de uitslag zoals de instantie die via aanbieder-api meldde

Revision ID: 5b9d3e7f1a24
Revises: a4d8e2f61c07
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5b9d3e7f1a24"
down_revision: str | None = "a4d8e2f61c07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leerbaarheidstoets_melding",
        sa.Column("melding_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("inburgeraar_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("opdracht_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("aanbieder_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("resultaat", sa.Text(), nullable=True),
        sa.Column("geadviseerde_leerroute", sa.String(length=20), nullable=True),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("overgenomen", sa.Boolean(), nullable=False),
        sa.Column("ontvangen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["inburgeraar_id"],
            ["inburgeraar.id"],
            name=op.f("fk_leerbaarheidstoets_melding_inburgeraar_id_inburgeraar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("melding_id", name=op.f("pk_leerbaarheidstoets_melding")),
    )
    op.create_index(
        op.f("ix_leerbaarheidstoets_melding_inburgeraar_id"), "leerbaarheidstoets_melding", ["inburgeraar_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_leerbaarheidstoets_melding_inburgeraar_id"), table_name="leerbaarheidstoets_melding")
    op.drop_table("leerbaarheidstoets_melding")
