"""overdracht: the dossier part taken over from the previous gemeente on a move (Besluit inburgering 2021 art. 9.4
lid 4), the reference of a PIP taken over from it, and the day a person moved away from the gemeente

Revision ID: 4b8e2d6f0a19
Revises: 9a4d2c7e1f05
Create Date: 2026-12-03 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4b8e2d6f0a19"
down_revision: str | None = "9a4d2c7e1f05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "overdracht",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("gemeente_code", sa.String(4), nullable=False),
        sa.Column("inburgeraar_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("van_gemeente", sa.String(4), nullable=False),
        sa.Column("verhuisdatum", sa.Date(), nullable=True),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("dossier", postgresql.JSONB(), nullable=False),
        sa.Column("overgenomen_pip_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("eerste_pip_datum", sa.Date(), nullable=True),
        sa.Column("antwoord", postgresql.JSONB(), nullable=False),
        sa.Column("ontvangen_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overdracht")),
    )
    op.create_index("ix_overdracht_gemeente_code_inburgeraar_id", "overdracht", ["gemeente_code", "inburgeraar_id"])
    op.create_index("ix_overdracht_inburgeraar_id", "overdracht", ["inburgeraar_id"])
    # Imported history is read-only: what the previous gemeente decided is never edited here.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION overdracht_onveranderlijk() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'een overgenomen dossierdeel wordt nooit gewijzigd';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER overdracht_onveranderlijk BEFORE UPDATE ON overdracht "
        "FOR EACH ROW EXECUTE FUNCTION overdracht_onveranderlijk()"
    )
    op.add_column("pip", sa.Column("overdracht_id", postgresql.UUID(as_uuid=True), nullable=True))
    op.add_column("pip", sa.Column("overgenomen_van_gemeente", sa.String(4), nullable=True))
    op.add_column("pip", sa.Column("overgenomen_pip_id", postgresql.UUID(as_uuid=True), nullable=True))
    op.add_column("pip", sa.Column("overgenomen_versie", sa.Integer(), nullable=True))
    op.add_column("pip", sa.Column("eerste_pip_datum", sa.Date(), nullable=True))
    op.add_column("inburgeraar_feit", sa.Column("verhuisd_datum", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("inburgeraar_feit", "verhuisd_datum")
    for kolom in ("eerste_pip_datum", "overgenomen_versie", "overgenomen_pip_id", "overgenomen_van_gemeente"):
        op.drop_column("pip", kolom)
    op.drop_column("pip", "overdracht_id")
    op.execute("DROP TRIGGER IF EXISTS overdracht_onveranderlijk ON overdracht")
    op.execute("DROP FUNCTION IF EXISTS overdracht_onveranderlijk()")
    op.drop_index("ix_overdracht_inburgeraar_id", "overdracht")
    op.drop_index("ix_overdracht_gemeente_code_inburgeraar_id", "overdracht")
    op.drop_table("overdracht")
