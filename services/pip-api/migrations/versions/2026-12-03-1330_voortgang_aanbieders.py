"""voortgang van aanbieders: the projection of provider progress per PIP part, the oproepen of the brede intake,
signals about one opdracht, and a voortgangsgesprek the inburgeraar did not appear at

Revision ID: 5c1d7e2a9b34
Revises: d964c1059ea3
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1d7e2a9b34"
down_revision: str | None = "d964c1059ea3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inburgeraar_feit", sa.Column("bsn_ontbreekt_sinds", sa.Date(), nullable=True))
    op.add_column("inburgeraar_feit", sa.Column("brede_intake_afgerond_datum", sa.Date(), nullable=True))
    op.create_table(
        "brede_intake_oproep",
        sa.Column("oproep_id", sa.UUID(), nullable=False),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("afspraak_datum", sa.Date(), nullable=True),
        sa.Column("uitkomst", sa.String(length=30), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("oproep_id", name=op.f("pk_brede_intake_oproep")),
    )
    op.create_index(
        op.f("ix_brede_intake_oproep_inburgeraar_id"), "brede_intake_oproep", ["inburgeraar_id"], unique=False
    )
    op.create_table(
        "opdracht_voortgang",
        sa.Column("opdracht_id", sa.UUID(), nullable=False),
        sa.Column("pip_id", sa.UUID(), nullable=False),
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("aanbieder_id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("onderdeel", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("geplande_startdatum", sa.Date(), nullable=True),
        sa.Column("geplande_einddatum", sa.Date(), nullable=True),
        sa.Column("start_gemeld_datum", sa.Date(), nullable=True),
        sa.Column("laatste_melding_datum", sa.Date(), nullable=True),
        sa.Column("uren_aanwezig", sa.Numeric(precision=10, scale=2), server_default="0", nullable=False),
        sa.Column("uren_taal", sa.Numeric(precision=10, scale=2), server_default="0", nullable=False),
        sa.Column("uren_participatie", sa.Numeric(precision=10, scale=2), server_default="0", nullable=False),
        sa.Column("uren_gecontracteerd", sa.Integer(), nullable=True),
        sa.Column("niveau", sa.String(length=4), nullable=True),
        sa.Column("eindresultaat", sa.String(length=20), nullable=True),
        sa.Column("eindresultaat_datum", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("opdracht_id", name=op.f("pk_opdracht_voortgang")),
    )
    op.create_index("ix_opdracht_voortgang_pip_id", "opdracht_voortgang", ["pip_id"], unique=False)
    op.create_table(
        "aanwezigheidsperiode",
        sa.Column("melding_id", sa.UUID(), nullable=False),
        sa.Column("opdracht_id", sa.UUID(), nullable=False),
        sa.Column("volgnummer", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("periode_van", sa.Date(), nullable=True),
        sa.Column("periode_tot", sa.Date(), nullable=True),
        sa.Column("uren_aanwezig", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("uren_afwezig_geoorloofd", sa.Numeric(precision=10, scale=2), server_default="0", nullable=False),
        sa.Column("uren_afwezig_ongeoorloofd", sa.Numeric(precision=10, scale=2), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("melding_id", name=op.f("pk_aanwezigheidsperiode")),
    )
    op.create_index(
        "ix_aanwezigheidsperiode_opdracht_id_volgnummer",
        "aanwezigheidsperiode",
        ["opdracht_id", "volgnummer"],
        unique=False,
    )
    op.create_table(
        "aanbiederresultaat",
        sa.Column("melding_id", sa.UUID(), nullable=False),
        sa.Column("opdracht_id", sa.UUID(), nullable=False),
        sa.Column("soort", sa.String(length=20), nullable=False),
        sa.Column("uitslag", sa.String(length=20), nullable=True),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("niveau", sa.String(length=4), nullable=True),
        sa.PrimaryKeyConstraint("melding_id", name=op.f("pk_aanbiederresultaat")),
    )
    op.create_index(op.f("ix_aanbiederresultaat_opdracht_id"), "aanbiederresultaat", ["opdracht_id"], unique=False)
    op.create_table(
        "routeadvies",
        sa.Column("melding_id", sa.UUID(), nullable=False),
        sa.Column("opdracht_id", sa.UUID(), nullable=False),
        sa.Column("pip_id", sa.UUID(), nullable=False),
        sa.Column("advies", sa.String(length=20), nullable=False),
        sa.Column("ontvangen_datum", sa.Date(), nullable=False),
        sa.Column("ontvangen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("melding_id", name=op.f("pk_routeadvies")),
    )
    op.create_index(op.f("ix_routeadvies_opdracht_id"), "routeadvies", ["opdracht_id"], unique=False)
    op.create_index(op.f("ix_routeadvies_pip_id"), "routeadvies", ["pip_id"], unique=False)

    op.add_column("signaal", sa.Column("opdracht_id", sa.UUID(), nullable=True))
    op.drop_constraint("uq_signaal_pip_id", "signaal", type_="unique")
    op.create_index(
        "uq_signaal_pip_id_zonder_opdracht",
        "signaal",
        ["pip_id", "termijnsoort", "einddatum", "soort"],
        unique=True,
        postgresql_where=sa.text("opdracht_id IS NULL"),
    )
    op.create_index(
        "uq_signaal_opdracht_id",
        "signaal",
        ["opdracht_id", "termijnsoort", "einddatum", "soort"],
        unique=True,
        postgresql_where=sa.text("opdracht_id IS NOT NULL"),
    )
    op.add_column("voortgangsgesprek", sa.Column("niet_verschenen_op", sa.Date(), nullable=True))
    op.add_column("voortgangsgesprek", sa.Column("niet_verschenen_reden", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("voortgangsgesprek", "niet_verschenen_reden")
    op.drop_column("voortgangsgesprek", "niet_verschenen_op")
    op.drop_index("uq_signaal_opdracht_id", table_name="signaal", postgresql_where=sa.text("opdracht_id IS NOT NULL"))
    op.drop_index(
        "uq_signaal_pip_id_zonder_opdracht", table_name="signaal", postgresql_where=sa.text("opdracht_id IS NULL")
    )
    op.execute("DELETE FROM signaal WHERE opdracht_id IS NOT NULL")
    op.create_unique_constraint("uq_signaal_pip_id", "signaal", ["pip_id", "termijnsoort", "einddatum", "soort"])
    op.drop_column("signaal", "opdracht_id")
    for table in ("routeadvies", "aanbiederresultaat", "aanwezigheidsperiode", "opdracht_voortgang"):
        op.drop_table(table)
    op.drop_index(op.f("ix_brede_intake_oproep_inburgeraar_id"), table_name="brede_intake_oproep")
    op.drop_table("brede_intake_oproep")
    op.drop_column("inburgeraar_feit", "brede_intake_afgerond_datum")
    op.drop_column("inburgeraar_feit", "bsn_ontbreekt_sinds")
