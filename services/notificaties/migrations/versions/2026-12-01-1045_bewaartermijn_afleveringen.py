"""bewaartermijn: ended deliveries by the time they ended; deliveries findable by event alone

The retention deletes ended deliveries oldest first (a partial index: waiting deliveries are not in it), and
then each bericht no delivery refers to any more. Deleting a bericht looks up its deliveries by `event_id` (the
foreign key's cascade and the "none left" check); the unique constraint on (abonnement_id, event_id) could not
serve that, the same one on (event_id, abonnement_id) does, without an index more for every delivery.

Both indexes are built while the table is locked for writes: deliveries wait (events stay in NATS) until the
migration is done.

Revision ID: 3a7c5e9d1b24
Revises: 8d41f0c2a9e3
Create Date: 2026-12-01 10:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3a7c5e9d1b24"
down_revision: str | None = "8d41f0c2a9e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_unique_constraint("uq_aflevering_event_abonnement", "aflevering", ["event_id", "abonnement_id"])
    op.drop_constraint("uq_aflevering_abonnement_event", "aflevering", type_="unique")
    op.create_index(
        "ix_aflevering_afgehandeld",
        "aflevering",
        ["laatste_poging_at"],
        unique=False,
        postgresql_where="status <> 'wachtend'",
    )


def downgrade() -> None:
    op.drop_index("ix_aflevering_afgehandeld", table_name="aflevering", postgresql_where="status <> 'wachtend'")
    op.create_unique_constraint("uq_aflevering_abonnement_event", "aflevering", ["abonnement_id", "event_id"])
    op.drop_constraint("uq_aflevering_event_abonnement", "aflevering", type_="unique")
