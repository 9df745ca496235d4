"""ORM models of the plan context. No relationships: every load is an explicit query in the repository.

The agreements of a PIP are one JSON document (`inhoud`), validated by `domain.pip.PipInhoud`: a version is a
frozen copy of that document, so an earlier version reads back exactly as it was decided.
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
    Numeric,
    String,
    Text,
    UniqueConstraint,
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
    # Since when inburgeraar-api has the person on `bsn-ontbreekt` (None once the BSN is known): a person stuck there
    # cannot be reported to DUO, so the signal job warns after a while (DOMAIN §2 step 2).
    bsn_ontbreekt_sinds: Mapped[date | None] = mapped_column(Date)
    brede_intake_afgerond_datum: Mapped[date | None] = mapped_column(Date)
    # The person moved to another gemeente (inburgeraar-api's `verhuisd`): this gemeente's regie ended, so no signal
    # is raised for the person any more (issue 15 §3).
    verhuisd_datum: Mapped[date | None] = mapped_column(Date)
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
        # Local monitoring counts PIPs vastgesteld and ended in a period, per gemeente.
        Index("ix_pip_gemeente_code_vastgesteld_datum", "gemeente_code", "vastgesteld_datum"),
        Index("ix_pip_gemeente_code_beeindigd_datum", "gemeente_code", "beeindigd_datum"),
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
    # A PIP whose agreements were taken over from the previous gemeente's on a move (DOMAIN §6): the transfer it came
    # with, that gemeente, its PIP and version. Still this gemeente's own PIP: its own concept, its own beschikking.
    overdracht_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    overgenomen_van_gemeente: Mapped[str | None] = mapped_column(String(4))
    overgenomen_pip_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    overgenomen_versie: Mapped[int | None] = mapped_column(Integer)
    # The dagtekening of the first PIP at the previous gemeente: an asielmigrant's inburgeringstermijn started there
    # and does not start again with this gemeente's vaststelling.
    eerste_pip_datum: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class PipVersie(Base):
    """A vastgesteld version: never updated, only added (Wet inburgering art. 17; DOMAIN §2 step 7)."""

    __tablename__ = "pip_versie"
    __table_args__ = (
        UniqueConstraint("pip_id", "versie"),
        # Local monitoring counts route switches by their ingangsdatum: only the versions that changed the route.
        Index(
            "ix_pip_versie_routewissel_ingangs_datum",
            "ingangs_datum",
            postgresql_where=text("""gewijzigde_velden @> '["leerroute"]'::jsonb"""),
        ),
    )

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
        # A PIP-wide signal (no opdracht) is one per (PIP, termijnsoort, einddatum, soort); a signal about one PIP
        # part (provider progress) is one per (opdracht, termijnsoort, einddatum, soort): two opdrachten under one PIP
        # with the same date each get their own.
        Index(
            "uq_signaal_pip_id_zonder_opdracht",
            "pip_id",
            "termijnsoort",
            "einddatum",
            "soort",
            unique=True,
            postgresql_where=text("opdracht_id IS NULL"),
        ),
        Index(
            "uq_signaal_opdracht_id",
            "opdracht_id",
            "termijnsoort",
            "einddatum",
            "soort",
            unique=True,
            postgresql_where=text("opdracht_id IS NOT NULL"),
        ),
        Index("ix_signaal_gemeente_code_status_einddatum", "gemeente_code", "status", "einddatum"),
        # A person's signals (the overview) and those of a caseload page (`inburgeraarId` repeated).
        Index("ix_signaal_gemeente_code_inburgeraar_id_status", "gemeente_code", "inburgeraar_id", "status"),
        # Local monitoring: every signal of a period, whatever its status.
        Index("ix_signaal_gemeente_code_einddatum", "gemeente_code", "einddatum"),
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
    # The PIP part (aanbieder-api's opdracht) a signal about provider progress is about; None otherwise.
    opdracht_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
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
    # The inburgeraar did not appear: recorded once, with the day it was recorded and the reason, if any.
    niet_verschenen_op: Mapped[date | None] = mapped_column(Date)
    niet_verschenen_reden: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class OnderdeelUitkomst(Base):
    """The gemeente's judgement on a MAP or PVT part not achieved: reasons (codes) and verwijtbaarheid, reported to
    DUO (items i, j). A later judgement of the same part is a new row: the reports keep their history."""

    __tablename__ = "onderdeel_uitkomst"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    pip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("pip.id", ondelete="CASCADE"), index=True)
    onderdeel: Mapped[str] = mapped_column(String(10))
    datum: Mapped[date] = mapped_column(Date)
    redenen: Mapped[list[str]] = mapped_column(JSONB)
    verwijtbaar: Mapped[bool] = mapped_column(Boolean)
    toelichting: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class BredeIntakeOproep(Base):
    """An oproep (summons) for the brede intake, from inburgeraar-api's events: when, and whether it has an outcome.

    An oproep whose appointment has passed without `verschenen`, `niet-verschenen` or `onvoldoende-meegewerkt` is
    a loose end for the klantregisseur (a no-show is enforced, seed 002 step 3; DOMAIN §2 step 6).
    """

    __tablename__ = "brede_intake_oproep"

    oproep_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    afspraak_datum: Mapped[date | None] = mapped_column(Date)
    uitkomst: Mapped[str | None] = mapped_column(String(30))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class OpdrachtVoortgang(Base):
    """Provider progress on one PIP part (an opdracht), built from aanbieder-api's events.

    Ids, codes, dates and hours only: aanbieder-api's events carry no BSN and no names, and neither does this row.
    Dates the events do not carry are the days the report arrived (`*_gemeld_datum`): a report is never earlier than
    what it reports, so a signal built on them never fires too early.
    """

    __tablename__ = "opdracht_voortgang"
    __table_args__ = (Index("ix_opdracht_voortgang_pip_id", "pip_id"),)

    opdracht_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    pip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    aanbieder_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    gemeente_code: Mapped[str] = mapped_column(String(4))
    onderdeel: Mapped[str] = mapped_column(String(40))
    # verstrekt, gestart, afgerond, ingetrokken: aanbieder-api's opdracht status as its events last named it.
    status: Mapped[str] = mapped_column(String(20))
    geplande_startdatum: Mapped[date | None] = mapped_column(Date)
    geplande_einddatum: Mapped[date | None] = mapped_column(Date)
    start_gemeld_datum: Mapped[date | None] = mapped_column(Date)
    laatste_melding_datum: Mapped[date | None] = mapped_column(Date)
    uren_aanwezig: Mapped[float] = mapped_column(Numeric(10, 2), default=0, server_default="0")
    uren_taal: Mapped[float] = mapped_column(Numeric(10, 2), default=0, server_default="0")
    uren_participatie: Mapped[float] = mapped_column(Numeric(10, 2), default=0, server_default="0")
    uren_gecontracteerd: Mapped[int | None] = mapped_column(Integer)
    niveau: Mapped[str | None] = mapped_column(String(4))
    eindresultaat: Mapped[str | None] = mapped_column(String(20))
    eindresultaat_datum: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class Aanwezigheidsperiode(Base):
    """Attendance over one reported period of an opdracht, in the order the reports arrived (`volgnummer`).

    aanbieder-api tells a period's absence (`verzuim-gemeld`, only when there was unauthorised absence) and the
    opdracht's running total of hours present (`uren-bijgewerkt`), both under the report's `meldingId`; the hours
    present in the period are the difference in that total. A report without absence has no dates on the wire: it is
    kept as a period at 100 %, which ends a run of periods below the norm.
    """

    __tablename__ = "aanwezigheidsperiode"
    __table_args__ = (Index("ix_aanwezigheidsperiode_opdracht_id_volgnummer", "opdracht_id", "volgnummer"),)

    melding_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    opdracht_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    volgnummer: Mapped[int] = mapped_column(BigInteger, Identity())
    periode_van: Mapped[date | None] = mapped_column(Date)
    periode_tot: Mapped[date | None] = mapped_column(Date)
    uren_aanwezig: Mapped[float | None] = mapped_column(Numeric(10, 2))
    uren_afwezig_geoorloofd: Mapped[float] = mapped_column(Numeric(10, 2), default=0, server_default="0")
    uren_afwezig_ongeoorloofd: Mapped[float] = mapped_column(Numeric(10, 2), default=0, server_default="0")


class Aanbiederresultaat(Base):
    """An intermediate, exam or final result an aanbieder reported (`uitslag` None for an intermediate one)."""

    __tablename__ = "aanbiederresultaat"

    melding_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    opdracht_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    soort: Mapped[str] = mapped_column(String(20))
    uitslag: Mapped[str | None] = mapped_column(String(20))
    datum: Mapped[date] = mapped_column(Date)
    niveau: Mapped[str | None] = mapped_column(String(4))


class Routeadvies(Base):
    """A provider's grounded advice to switch, scale down or scale up the route; the gemeente decides in a PIP
    change (DOMAIN §2 step 8). Open until a PIP version is made after it arrived, or the signal is resolved."""

    __tablename__ = "routeadvies"

    melding_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    opdracht_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    pip_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    advies: Mapped[str] = mapped_column(String(20))
    ontvangen_datum: Mapped[date] = mapped_column(Date)
    ontvangen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class Overdracht(Base):
    """The part of a person's dossier the previous gemeente handed over on a move (Besluit inburgering 2021 art. 9.4
    lid 4): its PIPs with every version, outcomes, progress conversations and provider progress, kept as it came
    (`dossier`, validated against `api.schemas.Overdrachtsdossier`) as read-only history of this gemeente's person.

    Never one of this gemeente's own PIPs: the CBS export, monitoring and signals read `pip`, never this table. The
    sha256 of the canonical body makes the PUT idempotent: the same body again gets `antwoord` back, another 409.
    """

    __tablename__ = "overdracht"
    __table_args__ = (
        Index("ix_overdracht_gemeente_code_inburgeraar_id", "gemeente_code", "inburgeraar_id"),
        Index("ix_overdracht_inburgeraar_id", "inburgeraar_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    van_gemeente: Mapped[str] = mapped_column(String(4))
    verhuisdatum: Mapped[date | None] = mapped_column(Date)
    body_sha256: Mapped[str] = mapped_column(String(64))
    dossier: Mapped[dict[str, Any]] = mapped_column(JSONB)
    overgenomen_pip_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The dagtekening of the person's first PIP before the move; None when no PIP was ever vastgesteld there. The
    # PIP-vaststelling termijn (Wi art. 16) was met there: this gemeente does not signal it again.
    eerste_pip_datum: Mapped[date | None] = mapped_column(Date)
    antwoord: Mapped[dict[str, Any]] = mapped_column(JSONB)
    ontvangen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
