"""monitoring: indexes for the local monitoring's counts per gemeente and period (PIPs vastgesteld and ended, route
switches, signals by deadline)

Revision ID: 9a4d2c7e1f05
Revises: 7e3b9d21c4a8
Create Date: 2026-12-03 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9a4d2c7e1f05"
down_revision: str | None = "7e3b9d21c4a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_pip_gemeente_code_vastgesteld_datum", "pip", ["gemeente_code", "vastgesteld_datum"])
    op.create_index("ix_pip_gemeente_code_beeindigd_datum", "pip", ["gemeente_code", "beeindigd_datum"])
    op.create_index(
        "ix_pip_versie_routewissel_ingangs_datum",
        "pip_versie",
        ["ingangs_datum"],
        postgresql_where=sa.text("""gewijzigde_velden @> '["leerroute"]'::jsonb"""),
    )
    op.create_index("ix_signaal_gemeente_code_einddatum", "signaal", ["gemeente_code", "einddatum"])


def downgrade() -> None:
    op.drop_index("ix_signaal_gemeente_code_einddatum", "signaal")
    op.drop_index("ix_pip_versie_routewissel_ingangs_datum", "pip_versie")
    op.drop_index("ix_pip_gemeente_code_beeindigd_datum", "pip")
    op.drop_index("ix_pip_gemeente_code_vastgesteld_datum", "pip")
