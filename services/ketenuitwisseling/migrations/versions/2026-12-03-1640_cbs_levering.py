"""cbs_levering: the deliveries to CBS (Wi art. 35 lid 4) as jobs, and their content in gzip chunks until fetched or
expired

Revision ID: 3c9e7a1d2b40
Revises: 6d1c9b3e5f80
Create Date: 2026-12-03 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c9e7a1d2b40"
down_revision: str | None = "6d1c9b3e5f80"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NU = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "cbs_levering",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("periode", sa.String(length=7), nullable=False),
        sa.Column("van_datum", sa.Date(), nullable=False),
        sa.Column("tot_datum", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="gepland", nullable=False),
        sa.Column("percentage", sa.Integer(), server_default="0", nullable=False),
        sa.Column("aantal_personen", sa.Integer(), nullable=True),
        sa.Column("aantal_bytes", sa.BigInteger(), nullable=True),
        sa.Column("aantal_delen", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.Column("pogingen", sa.Integer(), server_default="0", nullable=False),
        sa.Column("aangevraagd_door", sa.String(length=200), nullable=False),
        sa.Column("geclaimd_tot", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NU, nullable=False),
        sa.Column("gestart_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gereed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gedownload_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verloopt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inhoud_verwijderd_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cbs_levering")),
        sa.UniqueConstraint("gemeente_code", "periode", name="uq_cbs_levering_gemeente_code_periode"),
    )
    op.create_index(
        "ix_cbs_levering_te_doen",
        "cbs_levering",
        ["created_at"],
        postgresql_where=sa.text("status IN ('gepland', 'bezig')"),
    )
    op.create_index(
        "ix_cbs_levering_verloopt", "cbs_levering", ["verloopt_at"], postgresql_where=sa.text("verloopt_at IS NOT NULL")
    )
    op.create_table(
        "cbs_levering_deel",
        sa.Column("levering_id", sa.UUID(), nullable=False),
        sa.Column("volgnummer", sa.Integer(), nullable=False),
        sa.Column("inhoud", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["levering_id"],
            ["cbs_levering.id"],
            name=op.f("fk_cbs_levering_deel_levering_id_cbs_levering"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("levering_id", "volgnummer", name=op.f("pk_cbs_levering_deel")),
    )


def downgrade() -> None:
    op.drop_table("cbs_levering_deel")
    op.drop_index("ix_cbs_levering_verloopt", table_name="cbs_levering")
    op.drop_index("ix_cbs_levering_te_doen", table_name="cbs_levering")
    op.drop_table("cbs_levering")
