"""ketenuitwisseling en kit-tabellen: meldingen van DUO en COA met hun verwerking, de koppeling van partner-ids aan
inburgeraars, de projectie van eerdere events, de rapportages aan DUO als wachtrij; de kit-tabellen in hun laatste vorm

Revision ID: 8e3f1a2b4c60
Revises:
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from inburgering_kit.kit_schema import (
    add_idempotency_created_index_v2,
    create_dead_letter_v3,
    create_kit_tables_v1,
    drop_dead_letter_v3,
    drop_idempotency_created_index_v2,
    drop_kit_tables_v1,
)

revision: str = "8e3f1a2b4c60"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NU = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "melding",
        sa.Column("bron", sa.String(length=10), nullable=False),
        sa.Column("feit_id", sa.UUID(), nullable=False),
        sa.Column("soort", sa.String(length=50), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("volgnummer", sa.Integer(), nullable=False),
        sa.Column("gemeld_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ontvangen_at", sa.DateTime(timezone=True), server_default=_NU, nullable=False),
        sa.Column("status", sa.String(length=20), server_default="nieuw", nullable=False),
        sa.Column("pogingen", sa.Integer(), server_default="0", nullable=False),
        sa.Column("volgende_poging_at", sa.DateTime(timezone=True), server_default=_NU, nullable=False),
        sa.Column("geclaimd_tot", sa.DateTime(timezone=True), nullable=True),
        sa.Column("partner_persoon_id", sa.String(length=100), nullable=True),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=True),
        sa.Column("opgehaald_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verwerkt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uitkomst", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("bron", "feit_id", name=op.f("pk_melding")),
    )
    op.create_index(
        "ix_melding_te_verwerken",
        "melding",
        ["volgende_poging_at"],
        postgresql_where=sa.text("status IN ('nieuw', 'opnieuw')"),
    )
    op.create_index("ix_melding_persoon", "melding", ["bron", "gemeente_code", "partner_persoon_id", "volgnummer"])
    op.create_index("ix_melding_inburgeraar", "melding", ["gemeente_code", "inburgeraar_id"])
    op.create_index("ix_melding_status", "melding", ["gemeente_code", "status"])
    op.create_table(
        "feedpositie",
        sa.Column("bron", sa.String(length=10), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("vanaf_volgnummer", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bron", "gemeente_code", name=op.f("pk_feedpositie")),
    )
    op.create_table(
        "persoonskoppeling",
        sa.Column("bron", sa.String(length=10), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("partner_persoon_id", sa.String(length=100), nullable=False),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NU, nullable=False),
        sa.PrimaryKeyConstraint("bron", "gemeente_code", "partner_persoon_id", name=op.f("pk_persoonskoppeling")),
    )
    op.create_table(
        "bronfeit",
        sa.Column("soort", sa.String(length=20), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("gegevens", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("soort", "id", name=op.f("pk_bronfeit")),
    )
    op.create_table(
        "rapportage",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("item", sa.String(length=1), nullable=False),
        sa.Column("gegevens", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("bron_event_id", sa.String(length=100), nullable=False),
        sa.Column("bron_event_type", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="wachtrij", nullable=False),
        sa.Column("pogingen", sa.Integer(), server_default="0", nullable=False),
        sa.Column("volgende_poging_at", sa.DateTime(timezone=True), server_default=_NU, nullable=False),
        sa.Column("geclaimd_tot", sa.DateTime(timezone=True), nullable=True),
        sa.Column("laatste_fout", sa.Text(), nullable=True),
        sa.Column("verzonden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ontvangen_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redenen", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("vervangt_id", sa.UUID(), nullable=True),
        sa.Column("vervangen_door_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NU, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rapportage")),
        sa.UniqueConstraint("bron_event_id", "item", name="uq_rapportage_bron_event_id"),
    )
    op.create_index(
        "ix_rapportage_te_bezorgen",
        "rapportage",
        ["volgende_poging_at"],
        postgresql_where=sa.text("status = 'wachtrij'"),
    )
    op.create_index("ix_rapportage_inburgeraar", "rapportage", ["gemeente_code", "inburgeraar_id", "created_at"])
    op.create_index("ix_rapportage_status", "rapportage", ["gemeente_code", "status", "created_at"])
    create_kit_tables_v1()
    add_idempotency_created_index_v2()
    create_dead_letter_v3()


def downgrade() -> None:
    drop_dead_letter_v3()
    drop_idempotency_created_index_v2()
    drop_kit_tables_v1()
    op.drop_table("rapportage")
    op.drop_table("bronfeit")
    op.drop_table("persoonskoppeling")
    op.drop_table("feedpositie")
    op.drop_table("melding")
