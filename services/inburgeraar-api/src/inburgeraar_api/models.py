"""ORM models of the person context. No relationships: every load is an explicit query in the repository."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from inburgering_kit.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()


def _id() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)


def _inburgeraar_fk() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), ForeignKey("inburgeraar.id", ondelete="CASCADE"), index=True)


def _now() -> datetime:
    return datetime.now(UTC)


# Timestamps are set in Python (not only by the server) so a flushed object never needs a reload.
def _created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


def _updated_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now())


class Inburgeraar(Base):
    __tablename__ = "inburgeraar"

    id: Mapped[uuid.UUID] = _id()
    gemeente_code: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20))
    # The BSN itself is kept for the chain partners allowed to receive it (DUO, CBS); lookups and the
    # uniqueness rule use the keyed hash, so the plain number never has to appear in an index or a query log.
    bsn: Mapped[str | None] = mapped_column(String(9))
    bsn_pseudoniem: Mapped[str | None] = mapped_column(String(64))
    doelgroep: Mapped[str] = mapped_column(String(30))
    nareiziger: Mapped[bool] = mapped_column(Boolean, default=False)
    datum_koppeling: Mapped[date | None] = mapped_column(Date)
    datum_inschrijving_brp: Mapped[date | None] = mapped_column(Date)
    contact: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    klantregisseur: Mapped[str | None] = mapped_column(String(200))
    # The client that registered (linked) the person: a chain partner such as COA sees only its own.
    geregistreerd_door: Mapped[str | None] = mapped_column(String(200))
    # How the person came to this gemeente when not by a koppeling or BRP-inschrijving of its own: on a move,
    # `{"soort": "verhuizing", "vanGemeente": "0599"}` (Besluit art. 9.4 lid 4).
    herkomst: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    versie: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()

    __table_args__ = (
        UniqueConstraint("gemeente_code", "bsn_pseudoniem", name="uq_inburgeraar_gemeente_bsn"),
        Index("ix_inburgeraar_gemeente_created", "gemeente_code", "created_at"),
        # Local monitoring reads every person of a gemeente for a few narrow columns (inflow month, doelgroep, and the
        # id to join exam results and ended plichten on): from this index alone, never the wide rows.
        Index(
            "ix_inburgeraar_gemeente_monitoring",
            "gemeente_code",
            "id",
            postgresql_include=["doelgroep", "datum_koppeling", "datum_inschrijving_brp", "created_at"],
        ),
    )


class PlichtMutatie(Base):
    __tablename__ = "plicht_mutatie"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = _inburgeraar_fk()
    volgnummer: Mapped[int] = mapped_column(Integer)
    soort: Mapped[str] = mapped_column(String(50))
    ingangsdatum: Mapped[date] = mapped_column(Date)
    bron: Mapped[str] = mapped_column(String(50))
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    ontvangen_at: Mapped[datetime] = _created_at()

    __table_args__ = (
        UniqueConstraint("inburgeraar_id", "volgnummer", name="uq_plicht_mutatie_volgnummer"),
        # Local monitoring counts exam results by the day they took effect, over all persons of the gemeente.
        Index("ix_plicht_mutatie_soort_ingangsdatum", "soort", "ingangsdatum"),
    )


class KlantprofielVersie(Base):
    __tablename__ = "klantprofiel_versie"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = _inburgeraar_fk()
    versie: Mapped[int] = mapped_column(Integer)
    bron: Mapped[str] = mapped_column(String(50))
    profiel: Mapped[dict[str, Any]] = mapped_column(JSONB)
    zachte_informatie: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    toestemming_datum: Mapped[date | None] = mapped_column(Date)
    wijzigingen: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    ontvangen_at: Mapped[datetime] = _created_at()

    __table_args__ = (UniqueConstraint("inburgeraar_id", "versie", name="uq_klantprofiel_versie_versie"),)


class WarmeOverdracht(Base):
    __tablename__ = "warme_overdracht"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = _inburgeraar_fk()
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    datum: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = _created_at()


class BredeIntake(Base):
    __tablename__ = "brede_intake"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("inburgeraar.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(20), default="lopend")
    afgerond_datum: Mapped[date | None] = mapped_column(Date)
    afgerond_bij_afwezigheid: Mapped[bool] = mapped_column(Boolean, default=False)
    resultaten: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    leerbaarheidstoets: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    achtergrond: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    versie: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class Oproep(Base):
    __tablename__ = "oproep"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = _inburgeraar_fk()
    volgnummer: Mapped[int] = mapped_column(Integer)
    verzonden_datum: Mapped[date] = mapped_column(Date)
    afspraak_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uitkomst: Mapped[str | None] = mapped_column(String(30))
    toelichting: Mapped[str | None] = mapped_column(Text)
    uitkomst_vastgelegd_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("inburgeraar_id", "volgnummer", name="uq_oproep_volgnummer"),)


class Intakegesprek(Base):
    __tablename__ = "intakegesprek"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = _inburgeraar_fk()
    datum: Mapped[date] = mapped_column(Date)
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = _created_at()


class BegeleidingOnderdeel(Base):
    __tablename__ = "begeleiding_onderdeel"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = _inburgeraar_fk()
    startdatum: Mapped[date] = mapped_column(Date)
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = _created_at()


class Ontzorgen(Base):
    __tablename__ = "ontzorgen"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("inburgeraar.id", ondelete="CASCADE"), unique=True
    )
    beschikking_referentie: Mapped[str] = mapped_column(String(100))
    startdatum: Mapped[date] = mapped_column(Date)
    geplande_einddatum: Mapped[date] = mapped_column(Date)
    verlengd_tot: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class Verlengingsverzoek(Base):
    """The circumstances behind a request for verlenging, as the gemeente recorded them (domain.verlenging)."""

    __tablename__ = "verlengingsverzoek"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("inburgeraar.id", ondelete="CASCADE"), index=True
    )
    verzoek_datum: Mapped[date] = mapped_column(Date)
    termijn: Mapped[str] = mapped_column(String(10))
    omstandigheden: Mapped[list[str]] = mapped_column(JSONB)
    gevraagde_eind_datum: Mapped[date | None] = mapped_column(Date)
    toelichting: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()


class LeerbaarheidstoetsMelding(Base):
    """A leerbaarheidstoets result as the instance reported it to aanbieder-api (event `leerbaarheidstoets-afgenomen`):
    kept whole, also when it did not become the brede intake's result (a closed intake, a later test already there).
    The melding id is the instance's report's own id, so a report arrives here once however often it is delivered."""

    __tablename__ = "leerbaarheidstoets_melding"

    melding_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    inburgeraar_id: Mapped[uuid.UUID] = _inburgeraar_fk()
    opdracht_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    aanbieder_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    datum: Mapped[date] = mapped_column(Date)
    resultaat: Mapped[str | None] = mapped_column(Text)
    geadviseerde_leerroute: Mapped[str | None] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(100))
    # Whether it became the brede intake's leerbaarheidstoets when it arrived (see `domain.aanbiedermelding`).
    overgenomen: Mapped[bool] = mapped_column(Boolean)
    ontvangen_at: Mapped[datetime] = _created_at()


class Bewaartermijn(Base):
    """When a person's data fall due (Besluit inburgering 2021 art. 9.9), kept beside the plicht facts it follows
    from so the retention job finds the due persons by an index instead of folding every plicht."""

    __tablename__ = "bewaartermijn"

    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("inburgeraar.id", ondelete="CASCADE"), primary_key=True
    )
    einde_plicht_datum: Mapped[date | None] = mapped_column(Date, index=True)
    overige_verwijderd_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Verhuizing(Base):
    """A move of the person to another gemeente, registered at the gemeente left (O): the start of the transfer of
    the dossier (Besluit inburgering 2021 art. 9.4 lid 4), ended by the chain exchange once it was delivered."""

    __tablename__ = "verhuizing"

    id: Mapped[uuid.UUID] = _id()
    inburgeraar_id: Mapped[uuid.UUID] = _inburgeraar_fk()
    van_gemeente: Mapped[str] = mapped_column(String(4))
    naar_gemeente: Mapped[str] = mapped_column(String(4))
    verhuisdatum: Mapped[date | None] = mapped_column(Date)
    bron: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    aangemeld_at: Mapped[datetime] = _created_at()
    overgedragen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OvergenomenDossier(Base):
    """The part of a dossier the previous gemeente handed over, kept whole as imported history of the person here:
    read-only, never counted as this gemeente's own (CBS, monitoring, DUO reports). The id is the transfer's, so a
    retried transfer is recognised; `body_hash` (sha256 of the canonical body) tells a retry from another body."""

    __tablename__ = "overgenomen_dossier"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    inburgeraar_id: Mapped[uuid.UUID] = _inburgeraar_fk()
    gemeente_code: Mapped[str] = mapped_column(String(4))
    van_gemeente: Mapped[str] = mapped_column(String(4))
    verhuisdatum: Mapped[date | None] = mapped_column(Date)
    dossier: Mapped[dict[str, Any]] = mapped_column(JSONB)
    body_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = _created_at()
