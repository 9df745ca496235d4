"""portaalaccounts, sessies en wat een account heeft gezien

Revision ID: 5e1d0c7a9f30
Revises: b8ac56ba47c6
Create Date: 2026-12-01 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1d0c7a9f30"
down_revision: str | None = "b8ac56ba47c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portaal_account",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("aanbieder_id", sa.UUID(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("naam", sa.String(length=200), nullable=False),
        sa.Column("wachtwoord_hash", sa.String(length=200), nullable=False),
        sa.Column("actief", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("wachtwoord_wijzigen", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("mislukte_pogingen", sa.Integer(), server_default="0", nullable=False),
        sa.Column("geblokkeerd_tot", sa.DateTime(timezone=True), nullable=True),
        sa.Column("laatst_aangemeld_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["aanbieder_id"],
            ["aanbieder.id"],
            name=op.f("fk_portaal_account_aanbieder_id_aanbieder"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portaal_account")),
        sa.UniqueConstraint("email", name=op.f("uq_portaal_account_email")),
    )
    op.create_index(op.f("ix_portaal_account_aanbieder_id"), "portaal_account", ["aanbieder_id"], unique=False)
    op.create_table(
        "portaal_sessie",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("verloopt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("laatst_gezien_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portaal_account.id"],
            name=op.f("fk_portaal_sessie_account_id_portaal_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_portaal_sessie")),
    )
    op.create_index(op.f("ix_portaal_sessie_account_id"), "portaal_sessie", ["account_id"], unique=False)
    op.create_index("ix_portaal_sessie_verloopt_at", "portaal_sessie", ["verloopt_at"], unique=False)
    op.create_table(
        "portaal_gezien",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("opdracht_id", sa.UUID(), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.Column("gezien_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["portaal_account.id"],
            name=op.f("fk_portaal_gezien_account_id_portaal_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opdracht_id"], ["opdracht.id"], name=op.f("fk_portaal_gezien_opdracht_id_opdracht"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", "opdracht_id", name=op.f("pk_portaal_gezien")),
    )


def downgrade() -> None:
    op.drop_table("portaal_gezien")
    op.drop_index("ix_portaal_sessie_verloopt_at", table_name="portaal_sessie")
    op.drop_index(op.f("ix_portaal_sessie_account_id"), table_name="portaal_sessie")
    op.drop_table("portaal_sessie")
    op.drop_index(op.f("ix_portaal_account_aanbieder_id"), table_name="portaal_account")
    op.drop_table("portaal_account")
