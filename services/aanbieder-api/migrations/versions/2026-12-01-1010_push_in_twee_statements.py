"""een push in twee statements: het conflict dat de schrijvende afbreekt, en ruimte voor HOT-updates van opdrachten

Revision ID: 9c4f2a61d7e8
Revises: 5e1d0c7a9f30
Create Date: 2026-12-01 10:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9c4f2a61d7e8"
down_revision: str | None = "5e1d0c7a9f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A push's writing statement calls this when its Idempotency-Key was claimed but the opdracht changed since the
    # push read it: the statement fails as a whole (claim included) with the standard "retry" code, and is retried.
    op.execute(
        """
        CREATE FUNCTION melding_gelijktijdig_gewijzigd() RETURNS integer AS $$
        BEGIN
            RAISE EXCEPTION 'de opdracht veranderde terwijl de melding werd verwerkt'
                USING ERRCODE = 'serialization_failure';
        END;
        $$ LANGUAGE plpgsql VOLATILE
        """
    )
    # Every report rewrites its opdracht's stand: free room on the page lets that be a HOT update (no new index
    # entries, the old version pruned on the page) instead of a move to another page.
    op.execute("ALTER TABLE opdracht SET (fillfactor = 70)")


def downgrade() -> None:
    op.execute("ALTER TABLE opdracht RESET (fillfactor)")
    op.execute("DROP FUNCTION melding_gelijktijdig_gewijzigd()")
