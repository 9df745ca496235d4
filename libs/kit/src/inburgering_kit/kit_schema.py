"""The kit's own tables (idempotency keys, inbox, outbox, processing log), created by every service's first
migration. Versioned: a later change to these tables is a new function, called by a new migration of each
service, so migrations that already ran never change meaning."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from inburgering_kit.audit import APPEND_ONLY_SQL, DROP_APPEND_ONLY_SQL
from inburgering_kit.outbox import DROP_NOTIFY_TRIGGER_SQL, NOTIFY_TRIGGER_SQL


def create_kit_tables_v1() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "key", name=op.f("pk_idempotency_key")),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("event_type", sa.String(length=255), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_inbox")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("event", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("seq", name=op.f("uq_outbox_seq")),
    )
    op.create_index(
        "ix_outbox_pending", "outbox", ["seq"], unique=False, postgresql_where=sa.text("published_at IS NULL")
    )
    op.create_table(
        "verwerking",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("span_id", sa.String(length=16), nullable=False),
        sa.Column("parent_span_id", sa.String(length=16), nullable=True),
        sa.Column("activiteit", sa.String(length=200), nullable=False),
        sa.Column("grondslag", sa.String(length=300), nullable=False),
        sa.Column("actie", sa.String(length=20), nullable=False),
        sa.Column("resultaat", sa.String(length=20), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=True),
        sa.Column("betrokkene", sa.String(length=64), nullable=True),
        sa.Column("object_type", sa.String(length=100), nullable=False),
        sa.Column("object_id", sa.String(length=100), nullable=True),
        sa.Column("actor_client", sa.String(length=200), nullable=False),
        sa.Column("actor_user", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verwerking")),
    )
    op.create_index("ix_verwerking_betrokkene", "verwerking", ["gemeente_code", "betrokkene", "at"], unique=False)
    op.create_index("ix_verwerking_object", "verwerking", ["gemeente_code", "object_id", "at"], unique=False)
    for statement in [*NOTIFY_TRIGGER_SQL, *APPEND_ONLY_SQL]:
        op.execute(statement)


def drop_kit_tables_v1() -> None:
    for statement in [*DROP_NOTIFY_TRIGGER_SQL, *DROP_APPEND_ONLY_SQL]:
        op.execute(statement)
    op.drop_index("ix_verwerking_object", table_name="verwerking")
    op.drop_index("ix_verwerking_betrokkene", table_name="verwerking")
    op.drop_table("verwerking")
    op.drop_index("ix_outbox_pending", table_name="outbox", postgresql_where=sa.text("published_at IS NULL"))
    op.drop_table("outbox")
    op.drop_table("inbox")
    op.drop_table("idempotency_key")


def add_idempotency_created_index_v2() -> None:
    """The index the retention's clean-up finds old stored answers by (see `IdempotencyKey`)."""
    op.create_index("ix_idempotency_key_created_at", "idempotency_key", ["created_at"], unique=False)


def drop_idempotency_created_index_v2() -> None:
    op.drop_index("ix_idempotency_key_created_at", table_name="idempotency_key")


def create_dead_letter_v3() -> None:
    """Where a consumer keeps the messages it could not apply (see `consumer.DeadLetter`)."""
    op.create_table(
        "dead_letter",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("stream_seq", sa.BigInteger(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("dead_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letter")),
        sa.UniqueConstraint("consumer", "stream_seq", name=op.f("uq_dead_letter_consumer")),
    )


def drop_dead_letter_v3() -> None:
    op.drop_table("dead_letter")
