"""idempotency bewaartermijn: stored Idempotency-Key answers findable by age

The outbox relay deletes stored answers past `idempotency_retention_hours`, found by an index on created_at.

Revision ID: 396930e0523f
Revises: d39485340266
Create Date: 2026-12-01 11:30:00
"""

from collections.abc import Sequence

from inburgering_kit.kit_schema import add_idempotency_created_index_v2, drop_idempotency_created_index_v2

revision: str = "396930e0523f"
down_revision: str | None = "d39485340266"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_idempotency_created_index_v2()


def downgrade() -> None:
    drop_idempotency_created_index_v2()
