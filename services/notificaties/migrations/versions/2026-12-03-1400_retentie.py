"""retentie: the kit's deletion report, the end of each person's plicht as this context learns it from
inburgeraar-api, and the processing log's guard that lets the retention job (and only it) delete

Revision ID: a7c4e2b9d038
Revises: cb45764b1a6c
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

from inburgering_kit.retentie import create_retentie_v4, drop_retentie_v4

revision: str = "a7c4e2b9d038"
down_revision: str | None = "cb45764b1a6c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_retentie_v4()


def downgrade() -> None:
    drop_retentie_v4()
