"""portaalaccount: e-mailadres uniek per gemeente in plaats van landelijk

Revision ID: 7d4b2e9a6c15
Revises: c3ffe42c025f
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7d4b2e9a6c15"
down_revision: str | None = "c3ffe42c025f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every existing row already satisfies the narrower rule; the new constraint's index also serves sign-in's
    # lookup by (gemeente, address).
    op.create_unique_constraint(op.f("uq_portaal_account_gemeente_code"), "portaal_account", ["gemeente_code", "email"])
    op.drop_constraint(op.f("uq_portaal_account_email"), "portaal_account", type_="unique")


def downgrade() -> None:
    # Fails, as it should, once one address has accounts in two gemeenten.
    op.create_unique_constraint(op.f("uq_portaal_account_email"), "portaal_account", ["email"])
    op.drop_constraint(op.f("uq_portaal_account_gemeente_code"), "portaal_account", type_="unique")
