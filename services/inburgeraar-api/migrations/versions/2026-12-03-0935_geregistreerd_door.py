"""geregistreerd door: the client that registered (linked) an inburgeraar

A chain partner such as COA sees only the persons it linked itself (need to know, issue 11 §5); this records which
client that was. Rows registered before have none: no chain partner sees them through this rule.

Revision ID: 7c1e5a0b2d93
Revises: 396930e0523f
Create Date: 2026-12-03 09:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1e5a0b2d93"
down_revision: str | None = "396930e0523f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inburgeraar", sa.Column("geregistreerd_door", sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column("inburgeraar", "geregistreerd_door")
