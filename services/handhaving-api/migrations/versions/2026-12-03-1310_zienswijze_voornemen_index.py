"""de open voornemens op hun laatste zienswijzedag (partiële index voor de signaaljob), in plaats van de index op
status en datum over alle overtredingen; zienswijze_signaal met de overtreding als sleutel, zonder foreign key

Revision ID: 3e9a7c1b5d20
Revises: 8d3f1a6c2e57
Create Date: 2026-12-03 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3e9a7c1b5d20"
down_revision: str | None = "8d3f1a6c2e57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_overtreding_voornemen_zienswijze_uiterste_datum",
        "overtreding",
        ["zienswijze_uiterste_datum", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'voorgenomen'"),
    )
    op.drop_index("ix_overtreding_status_zienswijze_uiterste_datum", table_name="overtreding")
    op.drop_constraint("fk_zienswijze_signaal_overtreding_id_overtreding", "zienswijze_signaal", type_="foreignkey")
    op.drop_constraint("uq_zienswijze_signaal_overtreding_id", "zienswijze_signaal", type_="unique")
    op.drop_constraint("pk_zienswijze_signaal", "zienswijze_signaal", type_="primary")
    op.create_primary_key("pk_zienswijze_signaal", "zienswijze_signaal", ["overtreding_id"])


def downgrade() -> None:
    op.drop_constraint("pk_zienswijze_signaal", "zienswijze_signaal", type_="primary")
    op.create_primary_key("pk_zienswijze_signaal", "zienswijze_signaal", ["id"])
    op.create_unique_constraint("uq_zienswijze_signaal_overtreding_id", "zienswijze_signaal", ["overtreding_id"])
    op.create_foreign_key(
        "fk_zienswijze_signaal_overtreding_id_overtreding",
        "zienswijze_signaal",
        "overtreding",
        ["overtreding_id"],
        ["id"],
    )
    op.create_index(
        "ix_overtreding_status_zienswijze_uiterste_datum",
        "overtreding",
        ["status", "zienswijze_uiterste_datum"],
        unique=False,
    )
    op.drop_index("ix_overtreding_voornemen_zienswijze_uiterste_datum", table_name="overtreding")
