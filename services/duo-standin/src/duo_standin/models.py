"""ORM models of the stand-in. No relationships: every load is an explicit query in the repository.

A fact (`feit`) is never changed once recorded: a change is a new fact. Its `volgnummer` comes from one sequence, so it
increases over all facts of this partner and therefore per person too. A notification (`melding`) is written in the
same transaction as its fact and stays until the subscriber accepted it: nothing is lost while the gemeente is down.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Sequence,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inburgering_kit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


def _now() -> datetime:
    return datetime.now(UTC)


# One sequence for all facts of this partner (see the module's docstring).
VOLGNUMMER = Sequence("feit_volgnummer_seq", metadata=Base.metadata)


class Persoon(Base):
    """An inburgeringsplichtige as DUO knows them: by BSN, with DUO's own id, in the gemeente they live in now."""

    __tablename__ = "persoon"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    bsn: Mapped[str | None] = mapped_column(String(9), unique=True)
    extern_id: Mapped[str] = mapped_column(String(40), unique=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Feit(Base):
    __tablename__ = "feit"
    __table_args__ = (Index("ix_feit_gemeente_code_volgnummer", "gemeente_code", "volgnummer"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    soort: Mapped[str] = mapped_column(String(60))
    gemeente_code: Mapped[str] = mapped_column(String(4))
    persoon_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persoon.id"), index=True)
    volgnummer: Mapped[int] = mapped_column(
        BigInteger, server_default=text("nextval('feit_volgnummer_seq')"), unique=True
    )
    registratie_datum: Mapped[date] = mapped_column(Date)
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Melding(Base):
    """A notification of a fact to its gemeente's subscriber, until delivered."""

    __tablename__ = "melding"
    __table_args__ = (Index("ix_melding_te_bezorgen", "volgende_poging_at", postgresql_where="afgeleverd_at IS NULL"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    feit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("feit.id"), unique=True)
    pogingen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    volgende_poging_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    afgeleverd_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    laatste_fout: Mapped[str | None] = mapped_column(Text)


class Abonnement(Base):
    """Where a gemeente's exchange system wants to be notified."""

    __tablename__ = "abonnement"

    gemeente_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    callback_url: Mapped[str] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class Storing(Base):
    """The fault switches of the scenario: one row."""

    __tablename__ = "storing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    modus: Mapped[str] = mapped_column(String(20), default="normaal", server_default="normaal")
    dubbele_meldingen: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    omgekeerde_volgorde: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class Rapportage(Base):
    """A report a–s as received from a gemeente; de-duplicated on its id."""

    __tablename__ = "rapportage"
    __table_args__ = (Index("ix_rapportage_gemeente_code_ontvangen_at", "gemeente_code", "ontvangen_at"),)

    rapport_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    item: Mapped[str] = mapped_column(String(1))
    gemeente_code: Mapped[str] = mapped_column(String(4))
    bsn: Mapped[str] = mapped_column(String(9))
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    inhoud_hash: Mapped[str] = mapped_column(String(64))
    ontvangen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
