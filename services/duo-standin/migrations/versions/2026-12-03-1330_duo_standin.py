"""duo-standin: personen, feiten met hun meldingen, abonnementen, storingen, rapportages; de kit-tabellen

Revision ID: 7d3e1a90c2b5
Revises:
Create Date: 2026-12-03 13:30:00
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

revision: str = "7d3e1a90c2b5"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_kit_tables_v1()
    add_idempotency_created_index_v2()
    create_dead_letter_v3()
    op.execute(sa.schema.CreateSequence(sa.Sequence("feit_volgnummer_seq")))
    op.create_table(
        "persoon",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=True),
        sa.Column("extern_id", sa.String(length=40), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persoon")),
        sa.UniqueConstraint("bsn", name=op.f("uq_persoon_bsn")),
        sa.UniqueConstraint("extern_id", name=op.f("uq_persoon_extern_id")),
    )
    op.create_table(
        "feit",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("soort", sa.String(length=60), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("persoon_id", sa.UUID(), nullable=False),
        sa.Column(
            "volgnummer", sa.BigInteger(), server_default=sa.text("nextval('feit_volgnummer_seq')"), nullable=False
        ),
        sa.Column("registratie_datum", sa.Date(), nullable=False),
        sa.Column("gegevens", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["persoon_id"], ["persoon.id"], name=op.f("fk_feit_persoon_id_persoon")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feit")),
        sa.UniqueConstraint("volgnummer", name=op.f("uq_feit_volgnummer")),
    )
    op.create_index("ix_feit_gemeente_code_volgnummer", "feit", ["gemeente_code", "volgnummer"])
    op.create_index(op.f("ix_feit_persoon_id"), "feit", ["persoon_id"])
    op.create_table(
        "melding",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("feit_id", sa.UUID(), nullable=False),
        sa.Column("pogingen", sa.Integer(), server_default="0", nullable=False),
        sa.Column("volgende_poging_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("afgeleverd_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("laatste_fout", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["feit_id"], ["feit.id"], name=op.f("fk_melding_feit_id_feit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_melding")),
        sa.UniqueConstraint("feit_id", name=op.f("uq_melding_feit_id")),
    )
    op.create_index(
        "ix_melding_te_bezorgen",
        "melding",
        ["volgende_poging_at"],
        postgresql_where=sa.text("afgeleverd_at IS NULL"),
    )
    op.create_table(
        "abonnement",
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("callback_url", sa.String(length=2000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("gemeente_code", name=op.f("pk_abonnement")),
    )
    op.create_table(
        "storing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("modus", sa.String(length=20), server_default="normaal", nullable=False),
        sa.Column("dubbele_meldingen", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("omgekeerde_volgorde", sa.Boolean(), server_default="false", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storing")),
    )
    op.create_table(
        "rapportage",
        sa.Column("rapport_id", sa.UUID(), nullable=False),
        sa.Column("item", sa.String(length=1), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("bsn", sa.String(length=9), nullable=False),
        sa.Column("gegevens", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("inhoud_hash", sa.String(length=64), nullable=False),
        sa.Column("ontvangen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("rapport_id", name=op.f("pk_rapportage")),
    )
    op.create_index("ix_rapportage_gemeente_code_ontvangen_at", "rapportage", ["gemeente_code", "ontvangen_at"])


def downgrade() -> None:
    op.drop_table("rapportage")
    op.drop_table("storing")
    op.drop_table("abonnement")
    op.drop_table("melding")
    op.drop_table("feit")
    op.drop_table("persoon")
    op.execute(sa.schema.DropSequence(sa.Sequence("feit_volgnummer_seq")))
    drop_dead_letter_v3()
    drop_idempotency_created_index_v2()
    drop_kit_tables_v1()
