"""opdrachten voor het PIP: de projectie van geregistreerde inburgeraars, pip_id en pip_versie optioneel

Revision ID: 4e8a1c7b2d90
Revises: fb02cc603b39
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4e8a1c7b2d90"
down_revision: str | None = "fb02cc603b39"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_opdracht_gemeente_code_inburgeraar_id"


def upgrade() -> None:
    op.create_table(
        "inburgeraar_feit",
        sa.Column("inburgeraar_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("doelgroep", sa.String(length=30), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("inburgeraar_id", name=op.f("pk_inburgeraar_feit")),
    )
    # Dropping NOT NULL only changes the catalogue: no rewrite, no long lock.
    op.alter_column("opdracht", "pip_id", existing_type=postgresql.UUID(as_uuid=True), nullable=True)
    op.alter_column("opdracht", "pip_versie", existing_type=sa.Integer(), nullable=True)
    # Built concurrently: reports keep updating opdrachten while it is built.
    with op.get_context().autocommit_block():
        op.create_index(INDEX, "opdracht", ["gemeente_code", "inburgeraar_id"], postgresql_concurrently=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(INDEX, table_name="opdracht", postgresql_concurrently=True)
    # An opdracht without a PIP cannot be kept by the older schema.
    op.execute("DELETE FROM opdracht WHERE pip_id IS NULL")
    op.alter_column("opdracht", "pip_versie", existing_type=sa.Integer(), nullable=False)
    op.alter_column("opdracht", "pip_id", existing_type=postgresql.UUID(as_uuid=True), nullable=False)
    op.drop_table("inburgeraar_feit")
