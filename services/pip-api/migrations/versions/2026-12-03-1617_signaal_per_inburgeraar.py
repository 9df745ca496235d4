"""signaal per inburgeraar: the signals of one person, or of a caseload page, without scanning the gemeente's

Revision ID: 9d3f5a7c1e28
Revises: c2f7a9e14b63
Create Date: 2026-12-03 16:17:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9d3f5a7c1e28"
down_revision: str | None = "c2f7a9e14b63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_signaal_gemeente_code_inburgeraar_id_status",
        "signaal",
        ["gemeente_code", "inburgeraar_id", "status"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_signaal_gemeente_code_inburgeraar_id_status", table_name="signaal")
