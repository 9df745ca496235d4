"""dead letters: the events this service's consumer could not apply, kept for replay

Revision ID: d964c1059ea3
Revises: 7b2e4c91d0a6
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

from inburgering_kit.kit_schema import create_dead_letter_v3, drop_dead_letter_v3

revision: str = "d964c1059ea3"
down_revision: str | None = "7b2e4c91d0a6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_dead_letter_v3()


def downgrade() -> None:
    drop_dead_letter_v3()
