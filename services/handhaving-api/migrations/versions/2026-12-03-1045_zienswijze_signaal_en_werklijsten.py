"""zienswijze-signaal (eenmaal per voornemen) en de indexen van de werklijsten per klantregisseur en van boetes in
bezwaar

Revision ID: 8d3f1a6c2e57
Revises: 5b0c2e7d9a14
Create Date: 2026-12-03 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d3f1a6c2e57"
down_revision: str | None = "5b0c2e7d9a14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "zienswijze_signaal",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("overtreding_id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("klantregisseur", sa.String(length=200), nullable=True),
        sa.Column("zienswijze_uiterste_datum", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["overtreding_id"], ["overtreding.id"], name=op.f("fk_zienswijze_signaal_overtreding_id_overtreding")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zienswijze_signaal")),
        sa.UniqueConstraint("overtreding_id", name=op.f("uq_zienswijze_signaal_overtreding_id")),
    )
    op.create_index(
        "ix_overtreding_gemeente_code_klantregisseur_status_created_at",
        "overtreding",
        ["gemeente_code", "klantregisseur", "status", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_boete_gemeente_code_rechtsmiddelstatus_created_at",
        "boete",
        ["gemeente_code", "rechtsmiddelstatus", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_boete_gemeente_code_rechtsmiddelstatus_created_at", table_name="boete")
    op.drop_index("ix_overtreding_gemeente_code_klantregisseur_status_created_at", table_name="overtreding")
    op.drop_table("zienswijze_signaal")
