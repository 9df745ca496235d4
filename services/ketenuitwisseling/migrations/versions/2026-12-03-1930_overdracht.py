"""overdracht: the dossier transfers on a move (Besluit art. 9.4 lid 4), each direction a claimable row with its steps

Revision ID: 5a2d8f4c1e70
Revises: 3c9e7a1d2b40
Create Date: 2026-12-03 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5a2d8f4c1e70"
down_revision: str | None = "3c9e7a1d2b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NU = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "overdracht",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("richting", sa.String(length=10), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("van_gemeente", sa.String(length=4), nullable=False),
        sa.Column("naar_gemeente", sa.String(length=4), nullable=False),
        sa.Column("verhuisdatum", sa.Date(), nullable=True),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="bezig", nullable=False),
        sa.Column("stappen", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("inhoud", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("pogingen", sa.Integer(), server_default="0", nullable=False),
        sa.Column("volgende_poging_at", sa.DateTime(timezone=True), server_default=_NU, nullable=False),
        sa.Column("geclaimd_tot", sa.DateTime(timezone=True), nullable=True),
        sa.Column("laatste_fout", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NU, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_NU, nullable=False),
        sa.Column("afgerond_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inhoud_verwijderd_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", "richting", name=op.f("pk_overdracht")),
    )
    op.create_index(
        "ix_overdracht_te_doen", "overdracht", ["volgende_poging_at"], postgresql_where=sa.text("status = 'bezig'")
    )
    op.create_index("ix_overdracht_inburgeraar", "overdracht", ["gemeente_code", "inburgeraar_id"])


def downgrade() -> None:
    op.drop_table("overdracht")
