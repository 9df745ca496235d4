"""pip_versie_onveranderlijk

A vastgesteld version is a beschikking: it is never edited in place (Wet inburgering 2021 art. 17; a change is a
new version). The application only ever inserts versions; this trigger makes the database refuse an UPDATE too.
Deleting stays possible: the whole PIP goes when its retention period ends (Besluit inburgering 2021 art. 9.9).

Revision ID: 3c1d7a9e0b42
Revises: f90e674a0dfe
Create Date: 2026-12-01 07:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3c1d7a9e0b42"
down_revision: str | None = "f90e674a0dfe"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION pip_versie_onveranderlijk() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'een vastgestelde PIP-versie wordt nooit gewijzigd; een wijziging is een nieuwe versie';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER pip_versie_onveranderlijk BEFORE UPDATE ON pip_versie "
        "FOR EACH ROW EXECUTE FUNCTION pip_versie_onveranderlijk()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS pip_versie_onveranderlijk ON pip_versie")
    op.execute("DROP FUNCTION IF EXISTS pip_versie_onveranderlijk()")
