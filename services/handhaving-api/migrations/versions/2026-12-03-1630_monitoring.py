"""monitoring: procedure steps by date and fines by decision date, for the local monitoring's counts

Revision ID: 7d5e1b9c3a62
Revises: f3b8c6a2d715
Create Date: 2026-12-03 16:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7d5e1b9c3a62"
down_revision: str | None = "f3b8c6a2d715"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_procedurestap_datum", "procedurestap", ["datum"])
    op.create_index("ix_boete_gemeente_code_besluit_datum", "boete", ["gemeente_code", "besluit_datum"])


def downgrade() -> None:
    op.drop_index("ix_boete_gemeente_code_besluit_datum", "boete")
    op.drop_index("ix_procedurestap_datum", "procedurestap")
