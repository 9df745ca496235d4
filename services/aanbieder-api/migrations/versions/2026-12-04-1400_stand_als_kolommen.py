"""de cijfers van de stand van een opdracht als kolommen naast de JSON, en de personen per aanbieder uit een index, voor
de monitoring

Revision ID: 3b7e2c9a5d10
Revises: 8f3c61a2d4b7
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3b7e2c9a5d10"
down_revision: str | None = "8f3c61a2d4b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Generated from the stand (and the planned start in the content) by PostgreSQL on every write, so no code path can
# forget them; dates stay ISO text, whose order is date order (a cast of text to date is not immutable, which a
# generated column requires). Adding stored columns rewrites the table once, under its lock.
KOLOMMEN = {
    "uren_aanwezig": "CAST(stand->>'urenAanwezig' AS numeric)",
    "uren_gemeld": "CAST(stand->>'urenAanwezig' AS numeric) + CAST(stand->>'urenAfwezigGeoorloofd' AS numeric) "
    "+ CAST(stand->>'urenAfwezigOngeoorloofd' AS numeric)",
    "eindresultaat": "stand->>'eindresultaat'",
    "einddatum": "stand->>'einddatum'",
    "gestart": "stand->>'gerealiseerdeStartdatum' IS NOT NULL",
    "begin_datum": "COALESCE(stand->>'gerealiseerdeStartdatum', inhoud->>'geplandeStartdatum')",
    "laatste_periode_tot": "stand->>'laatstePeriodeTot'",
}
TYPEN = {"uren_aanwezig": "numeric", "uren_gemeld": "numeric", "gestart": "boolean"}


def upgrade() -> None:
    kolommen = ", ".join(
        f"ADD COLUMN {naam} {TYPEN.get(naam, 'text')} GENERATED ALWAYS AS ({uitdrukking}) STORED"
        for naam, uitdrukking in KOLOMMEN.items()
    )
    op.execute(f"ALTER TABLE opdracht {kolommen}")
    op.drop_index("ix_opdracht_gemeente_code_inburgeraar_id", "opdracht")
    op.create_index(
        "ix_opdracht_gemeente_code_inburgeraar_id_aanbieder_id",
        "opdracht",
        ["gemeente_code", "inburgeraar_id", "aanbieder_id"],
        postgresql_include=["status", "created_at", "einddatum"],
    )


def downgrade() -> None:
    op.drop_index("ix_opdracht_gemeente_code_inburgeraar_id_aanbieder_id", "opdracht")
    op.create_index("ix_opdracht_gemeente_code_inburgeraar_id", "opdracht", ["gemeente_code", "inburgeraar_id"])
    op.execute("ALTER TABLE opdracht " + ", ".join(f"DROP COLUMN {naam}" for naam in KOLOMMEN))
