"""wachtend termijnfeit: a DUO termijn that arrives before its inburgeraar's registration is kept, not retried

Revision ID: 7b2e4c91d0a6
Revises: 413f89ec85a3
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b2e4c91d0a6"
down_revision: str | None = "413f89ec85a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wachtend_termijnfeit",
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("kolom", sa.String(length=40), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=False),
        sa.Column("ontvangen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("inburgeraar_id", "kolom", name=op.f("pk_wachtend_termijnfeit")),
    )


def downgrade() -> None:
    op.drop_table("wachtend_termijnfeit")
