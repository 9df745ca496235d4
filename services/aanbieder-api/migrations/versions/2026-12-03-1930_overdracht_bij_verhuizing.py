"""overdracht bij verhuizing: de reden van intrekking van een opdracht (gemeente of verhuisd) en de van de vorige
gemeente overgenomen voortgang

Revision ID: 8f3c61a2d4b7
Revises: e5a1d3c7f924
Create Date: 2026-12-03 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8f3c61a2d4b7"
down_revision: str | None = "e5a1d3c7f924"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column without a default only changes the catalogue: no rewrite of the hot opdracht table.
    op.add_column("opdracht", sa.Column("intrekkingsreden", sa.String(length=20), nullable=True))
    # Every withdrawal so far was the gemeente's own.
    op.execute("UPDATE opdracht SET intrekkingsreden = 'gemeente' WHERE status = 'ingetrokken'")
    op.create_table(
        "overgenomen_voortgang",
        sa.Column("overdracht_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("inburgeraar_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("van_gemeente", sa.String(length=4), nullable=False),
        sa.Column("verhuisdatum", sa.Date(), nullable=True),
        sa.Column("dossier", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("inhoud_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("overdracht_id", name=op.f("pk_overgenomen_voortgang")),
    )
    op.create_index(
        "ix_overgenomen_voortgang_gemeente_code_inburgeraar_id",
        "overgenomen_voortgang",
        ["gemeente_code", "inburgeraar_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_overgenomen_voortgang_gemeente_code_inburgeraar_id", table_name="overgenomen_voortgang")
    op.drop_table("overgenomen_voortgang")
    op.drop_column("opdracht", "intrekkingsreden")
