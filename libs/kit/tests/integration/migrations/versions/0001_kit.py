"""The kit's tables, as every service's migrations create them.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from inburgering_kit.kit_schema import (
    add_idempotency_created_index_v2,
    create_kit_tables_v1,
    drop_idempotency_created_index_v2,
    drop_kit_tables_v1,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_kit_tables_v1()
    add_idempotency_created_index_v2()


def downgrade() -> None:
    drop_idempotency_created_index_v2()
    drop_kit_tables_v1()
