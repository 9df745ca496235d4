"""handhaving en kit-tabellen: overtredingen met hun procedure, boetes, bezwaar en beroep, Participatiewet-maatregelen,
verordeningen, DUO-boetes, de projectie en het slot per persoon; de kit-tabellen in hun laatste vorm

Revision ID: 5b0c2e7d9a14
Revises:
Create Date: 2026-12-03 10:15:00
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

revision: str = "5b0c2e7d9a14"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duo_boete",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("kenmerk", sa.String(length=200), nullable=False),
        sa.Column("besluit_datum", sa.Date(), nullable=False),
        sa.Column("bedrag", sa.Integer(), nullable=False),
        sa.Column("reden", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duo_boete")),
        sa.UniqueConstraint("gemeente_code", "kenmerk", name=op.f("uq_duo_boete_gemeente_code")),
    )
    op.create_index("ix_duo_boete_inburgeraar_id", "duo_boete", ["inburgeraar_id"], unique=False)
    op.create_table(
        "handhavingsdossier",
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("inburgeraar_id", name=op.f("pk_handhavingsdossier")),
    )
    op.create_table(
        "inburgeraar_feit",
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("doelgroep", sa.String(length=20), nullable=True),
        sa.Column("pip_id", sa.UUID(), nullable=True),
        sa.Column("pip_vastgesteld_datum", sa.Date(), nullable=True),
        sa.Column("pip_beeindigd_datum", sa.Date(), nullable=True),
        sa.Column("plicht_einde_datum", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("inburgeraar_id", name=op.f("pk_inburgeraar_feit")),
    )
    op.create_table(
        "overtreding",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("soort", sa.String(length=40), nullable=False),
        sa.Column("categorie", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("gedraging_van", sa.Date(), nullable=False),
        sa.Column("gedraging_tot", sa.Date(), nullable=False),
        sa.Column("omschrijving", sa.Text(), nullable=True),
        sa.Column("bron", sa.String(length=100), nullable=False),
        sa.Column("bron_id", sa.String(length=100), nullable=True),
        sa.Column("bewijs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("pip_id", sa.UUID(), nullable=True),
        sa.Column("klantregisseur", sa.String(length=200), nullable=True),
        sa.Column("voornemen_datum", sa.Date(), nullable=True),
        sa.Column("zienswijze_uiterste_datum", sa.Date(), nullable=True),
        sa.Column("voorgesteld_bedrag", sa.Integer(), nullable=True),
        sa.Column("berekening", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("zienswijze_datum", sa.Date(), nullable=True),
        sa.Column("zienswijze_tijdig", sa.Boolean(), nullable=True),
        sa.Column("besluit_datum", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overtreding")),
        sa.UniqueConstraint("bron_id", name=op.f("uq_overtreding_bron_id")),
    )
    op.create_index(
        "ix_overtreding_gemeente_code_status_created_at",
        "overtreding",
        ["gemeente_code", "status", "created_at"],
        unique=False,
    )
    op.create_index("ix_overtreding_inburgeraar_id", "overtreding", ["inburgeraar_id"], unique=False)
    op.create_index(
        "ix_overtreding_status_zienswijze_uiterste_datum",
        "overtreding",
        ["status", "zienswijze_uiterste_datum"],
        unique=False,
    )
    op.create_table(
        "participatiewet_maatregel",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("periode_van", sa.Date(), nullable=False),
        sa.Column("periode_tot", sa.Date(), nullable=True),
        sa.Column("gedraging_referentie", sa.String(length=200), nullable=False),
        sa.Column("overtreding_id", sa.UUID(), nullable=True),
        sa.Column("besluit_datum", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participatiewet_maatregel")),
    )
    op.create_index(
        "ix_participatiewet_maatregel_inburgeraar_id", "participatiewet_maatregel", ["inburgeraar_id"], unique=False
    )
    op.create_table(
        "verordening",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("brede_intake", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("pip", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("vastgesteld_door", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verordening")),
        sa.UniqueConstraint("gemeente_code", "ingangsdatum", name=op.f("uq_verordening_gemeente_code")),
    )
    op.create_table(
        "boete",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("overtreding_id", sa.UUID(), nullable=False),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("categorie", sa.String(length=20), nullable=False),
        sa.Column("bedrag", sa.Integer(), nullable=False),
        sa.Column("voorgesteld_bedrag", sa.Integer(), nullable=False),
        sa.Column("berekening", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("maatwerk_reden", sa.Text(), nullable=True),
        sa.Column("besluit_datum", sa.Date(), nullable=False),
        sa.Column("verzend_datum", sa.Date(), nullable=False),
        sa.Column("nieuwe_verschijndatum", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("vervangt_id", sa.UUID(), nullable=True),
        sa.Column("grond", sa.String(length=20), nullable=True),
        sa.Column("rechtsmiddelstatus", sa.String(length=30), server_default="geen", nullable=False),
        sa.Column("betaald_bedrag", sa.Integer(), server_default="0", nullable=False),
        sa.Column("genomen_door", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["overtreding_id"], ["overtreding.id"], name=op.f("fk_boete_overtreding_id_overtreding")
        ),
        sa.ForeignKeyConstraint(["vervangt_id"], ["boete.id"], name=op.f("fk_boete_vervangt_id_boete")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boete")),
    )
    op.create_index("ix_boete_inburgeraar_id_status", "boete", ["inburgeraar_id", "status"], unique=False)
    op.create_index(op.f("ix_boete_overtreding_id"), "boete", ["overtreding_id"], unique=False)
    op.create_table(
        "procedurestap",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("overtreding_id", sa.UUID(), nullable=False),
        sa.Column("handeling", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("door", sa.String(length=200), nullable=True),
        sa.Column("door_client", sa.String(length=200), nullable=False),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["overtreding_id"],
            ["overtreding.id"],
            name=op.f("fk_procedurestap_overtreding_id_overtreding"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedurestap")),
    )
    op.create_index(op.f("ix_procedurestap_overtreding_id"), "procedurestap", ["overtreding_id"], unique=False)
    op.create_table(
        "rechtsmiddel",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("boete_id", sa.UUID(), nullable=False),
        sa.Column("soort", sa.String(length=20), nullable=False),
        sa.Column("ingediend_datum", sa.Date(), nullable=False),
        sa.Column("tijdig", sa.Boolean(), nullable=False),
        sa.Column("reden_te_laat", sa.Text(), nullable=True),
        sa.Column("beslissing", sa.String(length=20), nullable=True),
        sa.Column("beslist_datum", sa.Date(), nullable=True),
        sa.Column("nieuw_bedrag", sa.Integer(), nullable=True),
        sa.Column("toelichting", sa.Text(), nullable=True),
        sa.Column("nieuwe_boete_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["boete_id"], ["boete.id"], name=op.f("fk_rechtsmiddel_boete_id_boete")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rechtsmiddel")),
    )
    op.create_index(op.f("ix_rechtsmiddel_boete_id"), "rechtsmiddel", ["boete_id"], unique=False)
    create_kit_tables_v1()
    add_idempotency_created_index_v2()
    create_dead_letter_v3()


def downgrade() -> None:
    drop_dead_letter_v3()
    drop_idempotency_created_index_v2()
    drop_kit_tables_v1()
    op.drop_table("rechtsmiddel")
    op.drop_table("procedurestap")
    op.drop_table("boete")
    op.drop_table("verordening")
    op.drop_table("participatiewet_maatregel")
    op.drop_table("overtreding")
    op.drop_table("inburgeraar_feit")
    op.drop_table("handhavingsdossier")
    op.drop_table("duo_boete")
