"""index op de lopende opdrachten van een gemeente (per aanbieder), voor de meldachterstanden en het meldgedrag

Revision ID: 3b7e5d20c4a9
Revises: 9c4f2a61d7e8
Create Date: 2026-12-01 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3b7e5d20c4a9"
down_revision: str | None = "9c4f2a61d7e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_opdracht_gemeente_code_status_aanbieder_id"


def upgrade() -> None:
    # Built concurrently: reports keep updating opdrachten while it is built (a plain build blocks every write).
    with op.get_context().autocommit_block():
        op.create_index(INDEX, "opdracht", ["gemeente_code", "status", "aanbieder_id"], postgresql_concurrently=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(INDEX, table_name="opdracht", postgresql_concurrently=True)
