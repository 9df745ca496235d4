"""rapportage_aanvullen: what a report still needs from the owning context before it is sent (report f on the
gemeente's change of an opdracht's planned end: the event names the field, the opdracht version holds the date)

Revision ID: 9b4e2d7a6c15
Revises: 5a2d8f4c1e70
Create Date: 2026-12-03 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9b4e2d7a6c15"
down_revision: str | None = "5a2d8f4c1e70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("rapportage", sa.Column("aanvullen", postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.drop_column("rapportage", "aanvullen")
