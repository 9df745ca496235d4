"""monitoring: exam results by the day they took effect, and the persons of a gemeente in a covering index, for the
local monitoring's counts

Revision ID: 3e8b6f2a9c41
Revises: 4a8c2e6f1b90
Create Date: 2026-12-03 16:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3e8b6f2a9c41"
down_revision: str | None = "4a8c2e6f1b90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_plicht_mutatie_soort_ingangsdatum", "plicht_mutatie", ["soort", "ingangsdatum"])
    op.create_index(
        "ix_inburgeraar_gemeente_monitoring",
        "inburgeraar",
        ["gemeente_code", "id"],
        postgresql_include=["doelgroep", "datum_koppeling", "datum_inschrijving_brp", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_inburgeraar_gemeente_monitoring", "inburgeraar")
    op.drop_index("ix_plicht_mutatie_soort_ingangsdatum", "plicht_mutatie")
