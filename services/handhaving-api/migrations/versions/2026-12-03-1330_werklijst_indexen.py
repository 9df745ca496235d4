"""de werklijst-indexen in de volgorde van de lijst (met id) en met de laatste zienswijzedag, zodat een pagina en de
telling uit de index komen

Revision ID: 6c2d8e4f1a93
Revises: 3e9a7c1b5d20
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "6c2d8e4f1a93"
down_revision: str | None = "3e9a7c1b5d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_overtreding_werklijst",
        "overtreding",
        ["gemeente_code", "status", "created_at", "id"],
        unique=False,
        postgresql_include=["zienswijze_uiterste_datum"],
    )
    op.create_index(
        "ix_overtreding_werklijst_klantregisseur",
        "overtreding",
        ["gemeente_code", "klantregisseur", "status", "created_at", "id"],
        unique=False,
        postgresql_include=["zienswijze_uiterste_datum"],
    )
    op.drop_index("ix_overtreding_gemeente_code_status_created_at", table_name="overtreding")
    op.drop_index("ix_overtreding_gemeente_code_klantregisseur_status_created_at", table_name="overtreding")


def downgrade() -> None:
    op.create_index(
        "ix_overtreding_gemeente_code_klantregisseur_status_created_at",
        "overtreding",
        ["gemeente_code", "klantregisseur", "status", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_overtreding_gemeente_code_status_created_at",
        "overtreding",
        ["gemeente_code", "status", "created_at"],
        unique=False,
    )
    op.drop_index("ix_overtreding_werklijst_klantregisseur", table_name="overtreding")
    op.drop_index("ix_overtreding_werklijst", table_name="overtreding")
