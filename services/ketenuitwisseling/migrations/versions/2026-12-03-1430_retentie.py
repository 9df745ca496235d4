"""retentie: the kit's deletion report and the processing log's guard that lets the retention job (and only it)
delete, as in every service on the kit

Revision ID: 6d1c9b3e5f80
Revises: 8e3f1a2b4c60
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

from inburgering_kit.retentie import create_retentie_v4, drop_retentie_v4

revision: str = "6d1c9b3e5f80"
down_revision: str | None = "8e3f1a2b4c60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_retentie_v4()


def downgrade() -> None:
    drop_retentie_v4()
