"""ORM models of the delivery context. No relationships: every load is an explicit query in the repository."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inburgering_kit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


def _now() -> datetime:
    return datetime.now(UTC)


class Abonnement(Base):
    """A subscriber's webhook, with the delivery state of its queue.

    One worker at a time delivers a subscription's queue (in `volgnummer` order): the one holding its lease
    (`lease_owner` until `lease_until`, renewed while it works). `next_attempt_at` is when the head of the
    queue is due (NULL: nothing waiting), so finding work reads due subscriptions, never the backlog.
    `lease_holds_queue` says the holder has every waiting delivery in hand: only then may new events go straight
    to it without queueing behind deliveries it does not know of.
    """

    __tablename__ = "abonnement"
    __table_args__ = (
        Index("ix_abonnement_gemeente_created", "gemeente_code", "created_at"),
        Index("ix_abonnement_due", "next_attempt_at", postgresql_where="next_attempt_at IS NOT NULL"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    client_id: Mapped[str] = mapped_column(String(200))
    callback_url: Mapped[str] = mapped_column(String(2000))
    # Both encrypted with the service's key (see `crypto.SecretBox`): they are credentials, never shown again.
    geheim_versleuteld: Mapped[str] = mapped_column(Text)
    autorisatie_versleuteld: Mapped[str | None] = mapped_column(Text)
    type_prefix: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(255))
    formaat: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lease_owner: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lease_holds_queue: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # How long a failed delivery is retried before it is dead-lettered (see `domain.aflevering`).
    herhaaltermijn_uren: Mapped[int] = mapped_column(Integer, default=24, server_default="24")


class Bericht(Base):
    """An event as delivered, stored once however many subscriptions it goes to."""

    __tablename__ = "bericht"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    event: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Aflevering(Base):
    """One event for one subscription, from queued to delivered or dead-lettered.

    `volgnummer` orders the queue of a subscription (one in flight at a time keeps events about one subject
    in order); re-queueing takes a new number. A delivery stays `wachtend` until an attempt's outcome is
    stored, so one that was in flight when its worker died is attempted again by the next lease holder. It ends
    `afgeleverd` or `dead-letter` at its last attempt (`laatste_poging_at`), and is deleted once that is longer
    ago than the retention (`Settings.retention_hours`).
    """

    __tablename__ = "aflevering"
    __table_args__ = (
        # The event first: deleting a bericht looks up the deliveries that refer to it (its foreign key, and the
        # retention's check that none is left) by `event_id` alone.
        UniqueConstraint("event_id", "abonnement_id", name="uq_aflevering_event_abonnement"),
        Index("ix_aflevering_wachtrij", "abonnement_id", "volgnummer", postgresql_where="status = 'wachtend'"),
        # A subscription's waiting deliveries by when they are due: its retries, without reading its backlog.
        Index("ix_aflevering_due", "abonnement_id", "next_attempt_at", postgresql_where="status = 'wachtend'"),
        # The delivery log of a subscription, newest first.
        Index("ix_aflevering_abonnement_volgnummer", "abonnement_id", "volgnummer"),
        # Ended deliveries by the time they ended: what the retention deletes, oldest first.
        Index("ix_aflevering_afgehandeld", "laatste_poging_at", postgresql_where="status <> 'wachtend'"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    volgnummer: Mapped[int] = mapped_column(BigInteger, Identity(always=False))
    abonnement_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("abonnement.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(String(100), ForeignKey("bericht.event_id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(255))
    event_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))
    pogingen: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    laatste_poging_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The first failed attempt since it was queued: the subscription's retry window runs from here.
    eerste_mislukt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    laatste_statuscode: Mapped[int | None] = mapped_column(Integer)
    laatste_duur_ms: Mapped[int | None] = mapped_column(Integer)
    laatste_fout: Mapped[str | None] = mapped_column(String(500))
    afgeleverd_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
