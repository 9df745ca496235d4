"""ORM models of the providers context. No relationships: every load is an explicit query in the repository.

Every row carries its gemeente: aanbieders, contracts and clients are registered per gemeente (the tenant owns
its data), so one provider serving ten gemeenten is ten registrations under one KvK number, reporting in one
national format.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
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


def _now() -> datetime:
    return datetime.now(UTC)


class Aanbieder(Base):
    __tablename__ = "aanbieder"
    __table_args__ = (UniqueConstraint("gemeente_code", "kvk_nummer"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    naam: Mapped[str] = mapped_column(String(200))
    kvk_nummer: Mapped[str] = mapped_column(String(8))
    diensten: Mapped[list[str]] = mapped_column(JSONB)
    keurmerk: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    contactpersonen: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class Contract(Base):
    __tablename__ = "contract"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    aanbieder_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("aanbieder.id", ondelete="CASCADE"), index=True
    )
    inhoud: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class ApiClient(Base):
    """A provider system's credentials: tokens with this `client_id` act for this aanbieder in this gemeente only.

    The identity provider issues the credentials; the gemeente registers the client id here. A token is accepted
    for provider operations only if its `client_id` and `aanbieder_id` claims match a registration that has not
    been revoked (see `services.toegang`).
    """

    __tablename__ = "api_client"

    gemeente_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    aanbieder_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("aanbieder.id", ondelete="CASCADE"), index=True
    )
    omschrijving: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    ingetrokken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PipFeit(Base):
    """Projection of pip-api's PIPs: ids, version, leerroute and status only (the events carry no more)."""

    __tablename__ = "pip_feit"

    pip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    status: Mapped[str] = mapped_column(String(20))
    versie: Mapped[int] = mapped_column(Integer)
    leerroute: Mapped[str | None] = mapped_column(String(20))
    taalniveau: Mapped[str | None] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class InburgeraarFeit(Base):
    """Projection of inburgeraar-api's registrations: id, gemeente and doelgroep only (no BSN, no name). What an
    opdracht made before the PIP (leerbaarheidstoets, maatschappelijke begeleiding) is checked against."""

    __tablename__ = "inburgeraar_feit"

    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    doelgroep: Mapped[str] = mapped_column(String(30))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class Opdracht(Base):
    __tablename__ = "opdracht"
    __table_args__ = (
        # The provider's "what changed since I last looked".
        Index("ix_opdracht_gemeente_code_aanbieder_id_gewijzigd_at", "gemeente_code", "aanbieder_id", "gewijzigd_at"),
        Index("ix_opdracht_pip_id", "pip_id"),
        # The gemeente's opdrachten of one person (the werkplek's person overview); with the aanbieder and what the
        # monitoring filters on, also the persons per aanbieder read in order from the index alone. None of these
        # columns changes with an ordinary progress report (einddatum once, with the final result): it stays HOT.
        Index(
            "ix_opdracht_gemeente_code_inburgeraar_id_aanbieder_id",
            "gemeente_code",
            "inburgeraar_id",
            "aanbieder_id",
            postgresql_include=["status", "created_at", "einddatum"],
        ),
        # The gemeente's running opdrachten (of one aanbieder), judged against the reporting norms: finished ones
        # are skipped unread. The status changes at most twice (gestart, afgerond): every other report's update of
        # its opdracht stays HOT. (laatste_melding_at changes with every report: indexing it would end that.)
        Index("ix_opdracht_gemeente_code_status_aanbieder_id", "gemeente_code", "status", "aanbieder_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    aanbieder_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("aanbieder.id"))
    # None for an opdracht made before the PIP (leerbaarheidstoets, maatschappelijke begeleiding: `domain.voor_pip`).
    pip_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    deelnemer_referentie: Mapped[str] = mapped_column(String(32))
    onderdeel: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    versie: Mapped[int] = mapped_column(Integer)
    inhoud: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # The PIP version the content was last checked against; lower than the projection's when the PIP changed.
    # None without a PIP.
    pip_versie: Mapped[int | None] = mapped_column(Integer)
    stand: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Why a withdrawn opdracht ended (`domain.overdracht.Intrekkingsreden`): the gemeente's choice or the person's
    # move to another gemeente. None while it runs or once it is afgerond.
    intrekkingsreden: Mapped[str | None] = mapped_column(String(20))
    laatste_melding_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the content (not the progress) last changed: a new version, a withdrawal, a PIP change.
    gewijzigd_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    # The stand's figures as columns, generated by PostgreSQL on every write: the monitoring groups a gemeente's
    # opdrachten on them without taking every row's JSON apart. Dates as ISO text (text order is date order): a cast
    # of text to date is not immutable, which a generated column requires.
    uren_aanwezig: Mapped[Decimal | None] = mapped_column(Numeric, Computed("CAST(stand->>'urenAanwezig' AS numeric)"))
    uren_gemeld: Mapped[Decimal | None] = mapped_column(
        Numeric,
        Computed(
            "CAST(stand->>'urenAanwezig' AS numeric) + CAST(stand->>'urenAfwezigGeoorloofd' AS numeric) "
            "+ CAST(stand->>'urenAfwezigOngeoorloofd' AS numeric)"
        ),
    )
    eindresultaat: Mapped[str | None] = mapped_column(Text, Computed("stand->>'eindresultaat'"))
    einddatum: Mapped[str | None] = mapped_column(Text, Computed("stand->>'einddatum'"))
    gestart: Mapped[bool | None] = mapped_column(Boolean, Computed("stand->>'gerealiseerdeStartdatum' IS NOT NULL"))
    begin_datum: Mapped[str | None] = mapped_column(
        Text, Computed("COALESCE(stand->>'gerealiseerdeStartdatum', inhoud->>'geplandeStartdatum')")
    )
    laatste_periode_tot: Mapped[str | None] = mapped_column(Text, Computed("stand->>'laatstePeriodeTot'"))


class OvergenomenVoortgang(Base):
    """The providers' part of a dossier taken over from the previous gemeente on a move (Besluit art. 9.4 lid 4): the
    opdrachten there and the progress reported on them, kept as read-only history of this gemeente's person. Never an
    opdracht here (the previous gemeente's providers are not this one's), so no provider sees it and no count of this
    gemeente (CBS delivery, monitoring, provider performance) reads it. `inhoud_hash` (SHA-256 of the canonical body)
    makes a repeated transfer the same row and another body under the same id a conflict."""

    __tablename__ = "overgenomen_voortgang"
    __table_args__ = (
        Index("ix_overgenomen_voortgang_gemeente_code_inburgeraar_id", "gemeente_code", "inburgeraar_id"),
    )

    overdracht_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    van_gemeente: Mapped[str] = mapped_column(String(4))
    verhuisdatum: Mapped[date | None] = mapped_column(Date)
    dossier: Mapped[dict[str, Any]] = mapped_column(JSONB)
    inhoud_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class OpdrachtVersie(Base):
    """A version of the content; never updated, only added."""

    __tablename__ = "opdracht_versie"
    __table_args__ = (UniqueConstraint("opdracht_id", "versie"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    opdracht_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("opdracht.id", ondelete="CASCADE"))
    versie: Mapped[int] = mapped_column(Integer)
    inhoud: Mapped[dict[str, Any]] = mapped_column(JSONB)
    gewijzigde_velden: Mapped[list[str]] = mapped_column(JSONB)
    reden: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Melding(Base):
    """One report of an aanbieder, from any channel. `sleutel` (a hash of the content) makes the same report about
    the same opdracht one record, however often and through whichever channel it arrives."""

    __tablename__ = "melding"
    __table_args__ = (
        UniqueConstraint("opdracht_id", "sleutel"),
        Index("ix_melding_gemeente_code_aanbieder_id_gemeld_at", "gemeente_code", "aanbieder_id", "gemeld_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    opdracht_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("opdracht.id", ondelete="CASCADE"))
    aanbieder_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    soort: Mapped[str] = mapped_column(String(30))
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    sleutel: Mapped[str] = mapped_column(String(64))
    kanaal: Mapped[str] = mapped_column(String(10))
    aanlevering_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    actor_client: Mapped[str] = mapped_column(String(200))
    actor_user: Mapped[str | None] = mapped_column(String(200))
    gemeld_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Periode(Base):
    """The hours of one reported period as they stand (a later report of the same period replaces them)."""

    __tablename__ = "periode"

    opdracht_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("opdracht.id", ondelete="CASCADE"), primary_key=True
    )
    soort: Mapped[str] = mapped_column(String(30), primary_key=True)
    van_datum: Mapped[date] = mapped_column(Date, primary_key=True)
    tot_datum: Mapped[date] = mapped_column(Date, primary_key=True)
    uren_a: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    uren_b: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    uren_c: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    melding_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))


class Aanlevering(Base):
    """An uploaded file: its progress while it is processed, its counts and (in `aanlevering_afwijzing`) every
    rejected row. The file's hash is unique per aanbieder: the same file uploaded again is the same aanlevering."""

    __tablename__ = "aanlevering"
    __table_args__ = (UniqueConstraint("gemeente_code", "aanbieder_id", "bestand_hash"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    aanbieder_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("aanbieder.id"))
    formaat: Mapped[str] = mapped_column(String(10))
    bestand_hash: Mapped[str] = mapped_column(String(64))
    bestandsnaam: Mapped[str | None] = mapped_column(String(200))
    grootte: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    regels_totaal: Mapped[int] = mapped_column(Integer)
    regels_verwerkt: Mapped[int] = mapped_column(Integer, default=0)
    geaccepteerd: Mapped[int] = mapped_column(Integer, default=0)
    afgewezen: Mapped[int] = mapped_column(Integer, default=0)
    overgeslagen: Mapped[int] = mapped_column(Integer, default=0)
    actor_client: Mapped[str] = mapped_column(String(200))
    actor_user: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    afgerond_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AanleveringAfwijzing(Base):
    __tablename__ = "aanlevering_afwijzing"
    __table_args__ = (UniqueConstraint("aanlevering_id", "regel"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    aanlevering_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("aanlevering.id", ondelete="CASCADE")
    )
    regel: Mapped[int] = mapped_column(Integer)
    fouten: Mapped[list[dict[str, str]]] = mapped_column(JSONB)


# ---- the provider portal: accounts, their sessions, what an account has seen ----
# An account is one employee (medewerker) of one aanbieder as registered by one gemeente: it sees and reports on
# that registration's opdrachten only, exactly like a provider system's API client. A session is stored here, not
# in the cookie: the cookie holds a random token, the table only its SHA-256 (a stolen database yields no usable
# session), and signing out or blocking an account ends its sessions at once.


class PortaalAccount(Base):
    __tablename__ = "portaal_account"
    # One address is one account per gemeente (stored in lower case): an employee who works for two gemeenten has
    # one in each, and a gemeente learns nothing of the addresses another gemeente registered.
    __table_args__ = (UniqueConstraint("gemeente_code", "email"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    aanbieder_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("aanbieder.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    naam: Mapped[str] = mapped_column(String(200))
    wachtwoord_hash: Mapped[str] = mapped_column(String(200))
    actief: Mapped[bool] = mapped_column(Boolean, server_default="true")
    # Set for a password the gemeente handed out: the employee chooses their own at the first sign-in.
    wachtwoord_wijzigen: Mapped[bool] = mapped_column(Boolean, server_default="false")
    mislukte_pogingen: Mapped[int] = mapped_column(Integer, server_default="0")
    geblokkeerd_tot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    laatst_aangemeld_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PortaalSessie(Base):
    __tablename__ = "portaal_sessie"
    __table_args__ = (Index("ix_portaal_sessie_verloopt_at", "verloopt_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("portaal_account.id", ondelete="CASCADE"), index=True
    )
    # Sent in a hidden field of every form and compared on every POST (synchronizer token).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    verloopt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    laatst_gezien_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PortaalGezien(Base):
    """The version of an opdracht an account last looked at: the portal shows what changed since."""

    __tablename__ = "portaal_gezien"

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("portaal_account.id", ondelete="CASCADE"), primary_key=True
    )
    opdracht_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("opdracht.id", ondelete="CASCADE"), primary_key=True
    )
    versie: Mapped[int] = mapped_column(Integer)
    gezien_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
