"""bewaartermijn: where the retention clock of Besluit inburgering art. 9.9 starts per person, the kit's deletion
report, and the processing log's guard that lets the retention job (and only it) delete

Revision ID: b91e3c5d7a20
Revises: 5b9d3e7f1a24
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from inburgering_kit.retentie import create_retentie_v4, drop_retentie_v4

revision: str = "b91e3c5d7a20"
down_revision: str | None = "5b9d3e7f1a24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_retentie_v4()
    op.create_table(
        "bewaartermijn",
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("einde_plicht_datum", sa.Date(), nullable=True),
        sa.Column("overige_verwijderd_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inburgeraar_id"],
            ["inburgeraar.id"],
            name=op.f("fk_bewaartermijn_inburgeraar_id_inburgeraar"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inburgeraar_id", name=op.f("pk_bewaartermijn")),
    )
    op.create_index(op.f("ix_bewaartermijn_einde_plicht_datum"), "bewaartermijn", ["einde_plicht_datum"])
    # Persons whose plicht already ended before this table existed get their clock from the plicht facts.
    op.execute(
        "INSERT INTO bewaartermijn (inburgeraar_id, einde_plicht_datum) "
        "SELECT DISTINCT ON (inburgeraar_id) inburgeraar_id, ingangsdatum FROM plicht_mutatie "
        "WHERE soort = 'plicht-vervallen' ORDER BY inburgeraar_id, ingangsdatum DESC"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_bewaartermijn_einde_plicht_datum"), table_name="bewaartermijn")
    op.drop_table("bewaartermijn")
    drop_retentie_v4()
