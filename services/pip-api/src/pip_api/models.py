"""ORM models of the plan context. No relationships: every load is an explicit query in the repository.

The agreements of a PIP are one JSON document (`inhoud`), validated by `domain.pip.PipInhoud`: a version is a
frozen copy of that document, so an earlier version reads back exactly as it was decided.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inburgering_kit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


def _now() -> datetime:
    return datetime.now(UTC)


class InburgeraarFeit(Base):
    """Projection of the inburgeraar facts this context needs, built from inburgeraar-api's events.

    Ids, doelgroep and dates only (DOMAIN §4: no BSN, no names), so pip-api keeps working while inburgeraar-api
    is down.
    """

    __tablename__ = "inburgeraar_feit"

    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    doelgroep: Mapped[str] = mapped_column(String(20))
    koppeling_datum: Mapped[date | None] = mapped_column(Date)
    brp_inschrijving_datum: Mapped[date | None] = mapped_column(Date)
    # DUO's termijnen (ibp, pvt, map) after a vaststelling, change or verlenging.
    duo_termijn_eind_datum: Mapped[date | None] = mapped_column(Date)
    duo_pvt_eind_datum: Mapped[date | None] = mapped_column(Date)
    duo_map_eind_datum: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class WachtendTermijnfeit(Base):
    """A DUO termijn whose inburgeraar the projection has not seen registered yet (another replica may still be
    handling that event). Kept here instead of failing the event, and applied when the registration arrives."""

    __tablename__ = "wachtend_termijnfeit"

    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    kolom: Mapped[str] = mapped_column(String(40), primary_key=True)
    einddatum: Mapped[date] = mapped_column(Date)
    ontvangen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Pip(Base):
    __tablename__ = "pip"
    __table_args__ = (
        Index("ix_pip_gemeente_code_inburgeraar_id", "gemeente_code", "inburgeraar_id"),
        # The signal pass asks per inburgeraar whether a PIP was ever vastgesteld (the PIP-vaststelling termijn).
        Index("ix_pip_inburgeraar_id", "inburgeraar_id"),
        # One living PIP per inburgeraar: the plan is changed by new versions, never by a second plan
        # (Wet inburgering art. 16-17). Enforced here too, so two concurrent requests cannot both create one.
        Index(
            "uq_pip_inburgeraar_id_actief",
            "inburgeraar_id",
            unique=True,
            postgresql_where=text("status <> 'beeindigd'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    status: Mapped[str] = mapped_column(String(20))
    # 0 while concept; the number of the current vastgesteld version afterwards.
    versie: Mapped[int] = mapped_column(Integer, default=0)
    inhoud: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Dagtekening of version 1: for an asielmigrant the start of the inburgeringstermijn.
    vastgesteld_datum: Mapped[date | None] = mapped_column(Date)
    beeindigd_datum: Mapped[date | None] = mapped_column(Date)
    beeindigd_reden: Mapped[str | None] = mapped_column(String(40))
    beeindigd_toelichting: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class PipVersie(Base):
    """A vastgesteld version: never updated, only added (Wet inburgering art. 17; DOMAIN §2 step 7)."""

    __tablename__ = "pip_versie"
    __table_args__ = (UniqueConstraint("pip_id", "versie"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    pip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("pip.id", ondelete="CASCADE"))
    versie: Mapped[int] = mapped_column(Integer)
    inhoud: Mapped[dict[str, Any]] = mapped_column(JSONB)
    dagtekening: Mapped[date] = mapped_column(Date)
    verzend_datum: Mapped[date] = mapped_column(Date)
    ingangs_datum: Mapped[date] = mapped_column(Date)
    reden: Mapped[str | None] = mapped_column(Text)
    gewijzigde_velden: Mapped[list[str]] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Signaal(Base):
    """A termijn signal for the klantregisseur's worklist (DOMAIN §2 step 11).

    The unique constraint on the natural key is what makes the job exactly-once: two replicas, or a restarted
    job, insert the same key with ON CONFLICT DO NOTHING and only the one that inserted it writes the event, in
    the same transaction. A signal about the PIP-vaststelling termijn has no PIP yet (`pip_id` NULL): its natural
    key is (inburgeraar, termijnsoort, einddatum, soort), unique through a partial index.
    """

    __tablename__ = "signaal"
    __table_args__ = (
        UniqueConstraint("pip_id", "termijnsoort", "einddatum", "soort"),
        Index("ix_signaal_gemeente_code_status_einddatum", "gemeente_code", "status", "einddatum"),
        Index(
            "uq_signaal_inburgeraar_id_zonder_pip",
            "inburgeraar_id",
            "termijnsoort",
            "einddatum",
            "soort",
            unique=True,
            postgresql_where=text("pip_id IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    pip_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("pip.id", ondelete="CASCADE"))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    klantregisseur: Mapped[str | None] = mapped_column(String(200))
    soort: Mapped[str] = mapped_column(String(20))
    termijnsoort: Mapped[str] = mapped_column(String(30))
    einddatum: Mapped[date] = mapped_column(Date)
    regel: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    # Who resolved it, as the access token names them: the user (if any) and the client acting for them.
    afgehandeld_door: Mapped[str | None] = mapped_column(String(200))
    afgehandeld_door_client: Mapped[str | None] = mapped_column(String(200))
    afgehandeld_reden: Mapped[str | None] = mapped_column(Text)
    afgehandeld_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Voortgangsgesprek(Base):
    """A progress conversation under a PIP: planned, then held with its outcome and agreed actions.

    At least two in the first 10 months evaluate the PIP agreements (kamerbrief-tussenstand-veranderopgave.txt);
    the signal job counts them per PIP.
    """

    __tablename__ = "voortgangsgesprek"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    pip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("pip.id", ondelete="CASCADE"), index=True)
    gepland_datum: Mapped[date] = mapped_column(Date)
    gehouden_datum: Mapped[date | None] = mapped_column(Date)
    uitkomst: Mapped[str | None] = mapped_column(Text)
    afspraken: Mapped[list[str]] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )
