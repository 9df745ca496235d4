"""dead letters: the kit's table, in every service alike (this one consumes no events yet; its metadata holds the table)

Revision ID: a4d8e2f61c07
Revises: 7c1e5a0b2d93
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

from inburgering_kit.kit_schema import create_dead_letter_v3, drop_dead_letter_v3

revision: str = "a4d8e2f61c07"
down_revision: str | None = "7c1e5a0b2d93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_dead_letter_v3()


def downgrade() -> None:
    drop_dead_letter_v3()
