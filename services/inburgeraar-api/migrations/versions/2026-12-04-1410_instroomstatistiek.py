"""statistiek op de instroomdatum: de monitoring groepeert de instroom dan met een hashtabel in plaats van te sorteren

Revision ID: 5c1a9e7d3f28
Revises: 7d2f4b8e1c63
Create Date: 2026-12-04 14:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5c1a9e7d3f28"
down_revision: str | None = "7d2f4b8e1c63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The day of inflow is an expression (`repository.monitoring._INSTROOM`); without statistics on it PostgreSQL guesses
# that a period selects a fraction of a percent of the gemeente's persons and sorts all of them to group by day.
def upgrade() -> None:
    op.execute(
        "CREATE STATISTICS st_inburgeraar_instroomdatum ON (COALESCE(datum_koppeling, datum_inschrijving_brp, "
        "CAST(created_at AT TIME ZONE 'Europe/Amsterdam' AS date))) FROM inburgeraar"
    )
    op.execute("ANALYZE inburgeraar")


def downgrade() -> None:
    op.execute("DROP STATISTICS st_inburgeraar_instroomdatum")
