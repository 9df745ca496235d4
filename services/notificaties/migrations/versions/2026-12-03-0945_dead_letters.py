"""dead letters: the events this service's consumer could not apply, kept for replay

Revision ID: cb45764b1a6c
Revises: 5e2b8c41d7a9
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

from inburgering_kit.kit_schema import create_dead_letter_v3, drop_dead_letter_v3

revision: str = "cb45764b1a6c"
down_revision: str | None = "5e2b8c41d7a9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_dead_letter_v3()


def downgrade() -> None:
    drop_dead_letter_v3()
