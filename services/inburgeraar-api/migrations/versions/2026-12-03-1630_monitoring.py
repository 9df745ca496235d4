"""monitoring: exam results by the day they took effect, for the local monitoring's pass rates

Revision ID: 3e8b6f2a9c41
Revises: b91e3c5d7a20
Create Date: 2026-12-03 16:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3e8b6f2a9c41"
down_revision: str | None = "b91e3c5d7a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_plicht_mutatie_soort_ingangsdatum", "plicht_mutatie", ["soort", "ingangsdatum"])


def downgrade() -> None:
    op.drop_index("ix_plicht_mutatie_soort_ingangsdatum", "plicht_mutatie")
