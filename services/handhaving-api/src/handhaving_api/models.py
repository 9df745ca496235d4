"""ORM models of the enforcement context. No relationships: every load is an explicit query in the repository.

Decisions are rows that are added, never changed in what they decided: a procedure step is append-only, a boete
that is corrected or decided on in bezwaar/beroep keeps its row (status `vervangen`/`vernietigd`) beside the new one
that refers to it (`vervangt_id`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inburgering_kit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


def _now() -> datetime:
    return datetime.now(UTC)


class InburgeraarFeit(Base):
    """Projection of what other contexts published about a person: ids, codes and dates only (no BSN, no names)."""

    __tablename__ = "inburgeraar_feit"

    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    doelgroep: Mapped[str | None] = mapped_column(String(20))
    pip_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    pip_vastgesteld_datum: Mapped[date | None] = mapped_column(Date)
    pip_beeindigd_datum: Mapped[date | None] = mapped_column(Date)
    plicht_einde_datum: Mapped[date | None] = mapped_column(Date)
    # The day the person's regie here ended by a move (`inburgeraar.verhuisd`): no candidate after it.
    verhuisd_datum: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class Handhavingsdossier(Base):
    """One row per person, locked (SELECT ... FOR UPDATE) by every boetebesluit: two besluiten for one person are
    taken one after the other, so together they never exceed the cap of € 2.400 (Wi art. 23)."""

    __tablename__ = "handhavingsdossier"

    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Overtreding(Base):
    """A candidate violation and the procedure on it (see `domain.procedure`)."""

    __tablename__ = "overtreding"
    __table_args__ = (
        # The work list per gemeente: open candidates and running voornemens, oldest first. In the list's full order
        # (with `id`), so a page is read off the index instead of sorting every row of the gemeente; the term's
        # last day included, so the count of expiring voornemens needs no row either.
        Index(
            "ix_overtreding_werklijst",
            "gemeente_code",
            "status",
            "created_at",
            "id",
            postgresql_include=["zienswijze_uiterste_datum"],
        ),
        Index("ix_overtreding_inburgeraar_id", "inburgeraar_id"),
        # The zienswijze signal job walks the open voornemens by their last day (and id, its keyset); only they.
        Index(
            "ix_overtreding_voornemen_zienswijze_uiterste_datum",
            "zienswijze_uiterste_datum",
            "id",
            postgresql_where=text("status = 'voorgenomen'"),
        ),
        # The work list per klantregisseur: their open candidates and running voornemens, oldest first (as above).
        Index(
            "ix_overtreding_werklijst_klantregisseur",
            "gemeente_code",
            "klantregisseur",
            "status",
            "created_at",
            "id",
            postgresql_include=["zienswijze_uiterste_datum"],
        ),
        # A candidate from an event exists once, however often the event is delivered.
        UniqueConstraint("bron_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    soort: Mapped[str] = mapped_column(String(40))
    categorie: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    gedraging_van: Mapped[date] = mapped_column(Date)
    gedraging_tot: Mapped[date] = mapped_column(Date)
    omschrijving: Mapped[str | None] = mapped_column(Text)
    # `handmatig`, or the event type it came from, with the event id (evidence) in `bron_id`.
    bron: Mapped[str] = mapped_column(String(100))
    bron_id: Mapped[str | None] = mapped_column(String(100))
    bewijs: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    pip_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    klantregisseur: Mapped[str | None] = mapped_column(String(200))
    voornemen_datum: Mapped[date | None] = mapped_column(Date)
    zienswijze_uiterste_datum: Mapped[date | None] = mapped_column(Date)
    voorgesteld_bedrag: Mapped[int | None] = mapped_column(Integer)
    berekening: Mapped[list[str]] = mapped_column(JSONB, default=list)
    zienswijze_datum: Mapped[date | None] = mapped_column(Date)
    zienswijze_tijdig: Mapped[bool | None] = mapped_column(Boolean)
    besluit_datum: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class Procedurestap(Base):
    """A step taken in the procedure, dated, with actor and reason. Append-only."""

    __tablename__ = "procedurestap"
    # Local monitoring counts the steps of a period.
    __table_args__ = (Index("ix_procedurestap_datum", "datum"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    overtreding_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("overtreding.id", ondelete="CASCADE"), index=True
    )
    handeling: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    datum: Mapped[date] = mapped_column(Date)
    door: Mapped[str | None] = mapped_column(String(200))
    door_client: Mapped[str] = mapped_column(String(200))
    reden: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Boete(Base):
    """A boetebesluit. What it decided never changes; it is replaced or annulled by a later decision."""

    __tablename__ = "boete"
    __table_args__ = (
        Index("ix_boete_inburgeraar_id_status", "inburgeraar_id", "status"),
        # The work list of boetes in bezwaar or beroep per gemeente, oldest first.
        Index(
            "ix_boete_gemeente_code_rechtsmiddelstatus_created_at", "gemeente_code", "rechtsmiddelstatus", "created_at"
        ),
        # Local monitoring counts the fines decided in a period.
        Index("ix_boete_gemeente_code_besluit_datum", "gemeente_code", "besluit_datum"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    overtreding_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("overtreding.id"), index=True)
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    categorie: Mapped[str] = mapped_column(String(20))
    bedrag: Mapped[int] = mapped_column(Integer)
    voorgesteld_bedrag: Mapped[int] = mapped_column(Integer)
    berekening: Mapped[list[str]] = mapped_column(JSONB, default=list)
    maatwerk_reden: Mapped[str | None] = mapped_column(Text)
    besluit_datum: Mapped[date] = mapped_column(Date)
    verzend_datum: Mapped[date] = mapped_column(Date)
    nieuwe_verschijndatum: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    vervangt_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("boete.id"))
    # Why this besluit replaced an earlier one: `correctie`, `bezwaar` or `beroep`; empty for a first besluit.
    grond: Mapped[str | None] = mapped_column(String(20))
    rechtsmiddelstatus: Mapped[str] = mapped_column(String(30), default="geen", server_default="geen")
    betaald_bedrag: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    genomen_door: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Rechtsmiddelzaak(Base):
    """A bezwaar or beroep against a boete, and its beslissing."""

    __tablename__ = "rechtsmiddel"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    boete_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("boete.id"), index=True)
    soort: Mapped[str] = mapped_column(String(20))
    ingediend_datum: Mapped[date] = mapped_column(Date)
    tijdig: Mapped[bool] = mapped_column(Boolean)
    reden_te_laat: Mapped[str | None] = mapped_column(Text)
    beslissing: Mapped[str | None] = mapped_column(String(20))
    beslist_datum: Mapped[date | None] = mapped_column(Date)
    nieuw_bedrag: Mapped[int | None] = mapped_column(Integer)
    toelichting: Mapped[str | None] = mapped_column(Text)
    nieuwe_boete_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class ParticipatiewetMaatregel(Base):
    """A maatregel under the Participatiewet, registered by the inkomen specialist (excludes a boete, Wi art. 27)."""

    __tablename__ = "participatiewet_maatregel"
    __table_args__ = (Index("ix_participatiewet_maatregel_inburgeraar_id", "inburgeraar_id"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    periode_van: Mapped[date] = mapped_column(Date)
    periode_tot: Mapped[date | None] = mapped_column(Date)
    gedraging_referentie: Mapped[str] = mapped_column(String(200))
    overtreding_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    besluit_datum: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Verordening(Base):
    """A version of the gemeente's boete ladder with its ingangsdatum; versions are added, never changed."""

    __tablename__ = "verordening"
    __table_args__ = (UniqueConstraint("gemeente_code", "ingangsdatum"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    ingangsdatum: Mapped[date] = mapped_column(Date)
    brede_intake: Mapped[list[int]] = mapped_column(JSONB)
    pip: Mapped[list[int]] = mapped_column(JSONB)
    vastgesteld_door: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class DuoBoete(Base):
    """A boete DUO imposed (resultaatverplichting), received as a fact and shown beside the gemeente's."""

    __tablename__ = "duo_boete"
    __table_args__ = (
        UniqueConstraint("gemeente_code", "kenmerk"),
        Index("ix_duo_boete_inburgeraar_id", "inburgeraar_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kenmerk: Mapped[str] = mapped_column(String(200))
    besluit_datum: Mapped[date] = mapped_column(Date)
    bedrag: Mapped[int] = mapped_column(Integer)
    reden: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class ZienswijzeSignaal(Base):
    """The zienswijzetermijn of a voornemen passed without a zienswijze: the besluit can be taken. One row per
    voornemen (its key), written with its outbox event in one statement, so it is raised once however many passes
    or replicas run.

    No foreign key to `overtreding`: the row is made from the overtreding the same statement reads, overtredingen
    are never deleted, and the check (a locking lookup per row) was a third of the signal pass in the bench."""

    __tablename__ = "zienswijze_signaal"

    overtreding_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # The signal's own id, as events name it; nothing looks a signal up by it, so it has no index.
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    klantregisseur: Mapped[str | None] = mapped_column(String(200))
    zienswijze_uiterste_datum: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class OvergenomenHandhaving(Base):
    """The enforcement part of a dossier another gemeente handed over on a move (Besluit art. 9.4 lid 4): read-only
    history of this gemeente's person, kept apart from the gemeente's own overtredingen and boetes so no work list,
    CBS delivery, monitoring count or DUO report ever sees it (the old gemeente reported its own fines). Only its
    warnings are read again: a warning given there counts for the step to a voornemen here (`eerder_gewaarschuwd`).

    One row per transfer, its id the exchange's `overdrachtId`; the sha256 of the canonical body tells a retry
    (200, same answer) from another body under the same id (409)."""

    __tablename__ = "overgenomen_handhaving"
    __table_args__ = (Index("ix_overgenomen_handhaving_inburgeraar_id", "inburgeraar_id"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    van_gemeente: Mapped[str] = mapped_column(String(4))
    verhuisdatum: Mapped[date | None] = mapped_column(Date)
    dossier: Mapped[dict[str, Any]] = mapped_column(JSONB)
    body_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
