"""ORM models of the chain exchange. It owns only the record of the exchange: which fact a partner announced, when it
was fetched and to which context it was handed with what outcome; which report went to DUO, when, and DUO's answer.
Never a copy of the person's file: no BSN, no name, no fact content of a partner is stored here (a report's own
`gegevens` are what the gemeente sent, without the BSN, which is fetched at the source on every send).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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


class Melding(Base):
    """A partner's notification ("melden") and what became of the fact it announced ("ophalen" and handing over)."""

    __tablename__ = "melding"
    __table_args__ = (
        Index("ix_melding_te_verwerken", "volgende_poging_at", postgresql_where="status IN ('nieuw', 'opnieuw')"),
        Index("ix_melding_persoon", "bron", "gemeente_code", "partner_persoon_id", "volgnummer"),
        Index("ix_melding_inburgeraar", "gemeente_code", "inburgeraar_id"),
        Index("ix_melding_status", "gemeente_code", "status"),
    )

    bron: Mapped[str] = mapped_column(String(10), primary_key=True)
    feit_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    soort: Mapped[str] = mapped_column(String(50))
    gemeente_code: Mapped[str] = mapped_column(String(4))
    volgnummer: Mapped[int] = mapped_column(Integer)
    gemeld_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ontvangen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # nieuw -> (opgehaald en) verwerkt | verouderd | werklijst | geweigerd; `opnieuw` while waiting to try again.
    status: Mapped[str] = mapped_column(String(20), server_default="nieuw")
    pogingen: Mapped[int] = mapped_column(Integer, server_default="0")
    volgende_poging_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    geclaimd_tot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The partner's own id of the person (duoId, coaId): a key for ordering and for linking later facts, not a BSN.
    partner_persoon_id: Mapped[str | None] = mapped_column(String(100))
    inburgeraar_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    opgehaald_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verwerkt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Where the fact went (the owner's resource) or why it did not (the owner's problem, shortened): never content.
    uitkomst: Mapped[str | None] = mapped_column(Text)


class Feedpositie(Base):
    """How far the exchange read a partner's feed for a gemeente: the catch-up after the exchange was away longer
    than the partner kept retrying its notifications."""

    __tablename__ = "feedpositie"

    bron: Mapped[str] = mapped_column(String(10), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    vanaf_volgnummer: Mapped[int] = mapped_column(Integer)


class Persoonskoppeling(Base):
    """Which inburgeraar a partner's person id stands for in this gemeente: COA's later facts (BSN, klantprofiel) name
    only its coaId, and the exchange registered the person from COA's koppeling."""

    __tablename__ = "persoonskoppeling"

    bron: Mapped[str] = mapped_column(String(10), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    partner_persoon_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Bronfeit(Base):
    """What the exchange remembers of an earlier event to complete a later, minimal one (the planned start of an
    opdracht for its realised start, a boete's besluit for its bezwaar): ids, dates and codes, nothing personal."""

    __tablename__ = "bronfeit"

    soort: Mapped[str] = mapped_column(String(20), primary_key=True)
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)


class Rapportage(Base):
    """A report to DUO (items a–s) and its delivery: a table-backed queue with the outbox's guarantees."""

    __tablename__ = "rapportage"
    __table_args__ = (
        # One report per item per source event: a redelivered event finds its report already there.
        UniqueConstraint("bron_event_id", "item", name="uq_rapportage_bron_event_id"),
        Index("ix_rapportage_te_bezorgen", "volgende_poging_at", postgresql_where="status = 'wachtrij'"),
        Index("ix_rapportage_inburgeraar", "gemeente_code", "inburgeraar_id", "created_at"),
        Index("ix_rapportage_status", "gemeente_code", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    item: Mapped[str] = mapped_column(String(1))
    gegevens: Mapped[dict[str, Any]] = mapped_column(JSONB)
    bron_event_id: Mapped[str] = mapped_column(String(100))
    bron_event_type: Mapped[str] = mapped_column(String(255))
    # wachtrij -> ontvangen (acknowledged) | afgewezen (422, on the work list) ; afgewezen -> vervangen (resent)
    status: Mapped[str] = mapped_column(String(20), server_default="wachtrij")
    pogingen: Mapped[int] = mapped_column(Integer, server_default="0")
    volgende_poging_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    geclaimd_tot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    laatste_fout: Mapped[str | None] = mapped_column(Text)
    verzonden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ontvangen_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    redenen: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    vervangt_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    vervangen_door_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CbsLevering(Base):
    """A delivery to CBS (Wi art. 35 lid 4) for one gemeente and period: a job with its state and progress, and once
    `gereed` the content's size and sha256. The content itself (`CbsLeveringDeel`) is kept only until CBS fetched it
    or the retention ends: CBS fetches at a moment of its own choosing (pull, as with DUO), and what it fetches must
    be the very bytes whose sha256 the job shows — assembled again later, the sources may have changed (corrections,
    retention) and the hash would no longer match."""

    __tablename__ = "cbs_levering"
    __table_args__ = (
        UniqueConstraint("gemeente_code", "periode", name="uq_cbs_levering_gemeente_code_periode"),
        Index("ix_cbs_levering_te_doen", "created_at", postgresql_where="status IN ('gepland', 'bezig')"),
        Index("ix_cbs_levering_verloopt", "verloopt_at", postgresql_where="verloopt_at IS NOT NULL"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    periode: Mapped[str] = mapped_column(String(7))
    van_datum: Mapped[date] = mapped_column(Date)
    tot_datum: Mapped[date] = mapped_column(Date)
    # gepland -> bezig -> gereed | mislukt; a repeated request for a failed one plans it again.
    status: Mapped[str] = mapped_column(String(20), server_default="gepland")
    percentage: Mapped[int] = mapped_column(Integer, server_default="0")
    aantal_personen: Mapped[int | None] = mapped_column(Integer)
    aantal_bytes: Mapped[int | None] = mapped_column(BigInteger)
    aantal_delen: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    reden: Mapped[str | None] = mapped_column(Text)
    pogingen: Mapped[int] = mapped_column(Integer, server_default="0")
    aangevraagd_door: Mapped[str] = mapped_column(String(200))
    geclaimd_tot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    gestart_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    gereed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    gedownload_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verloopt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    inhoud_verwijderd_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CbsLeveringDeel(Base):
    """A chunk of a delivery's content: gzip members of NDJSON lines; the file is their concatenation in order."""

    __tablename__ = "cbs_levering_deel"

    levering_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("cbs_levering.id", ondelete="CASCADE"), primary_key=True
    )
    volgnummer: Mapped[int] = mapped_column(Integer, primary_key=True)
    inhoud: Mapped[bytes] = mapped_column(LargeBinary)


class Overdracht(Base):
    """A dossier transfer on a move (Besluit art. 9.4 lid 4), one row per direction: `uitgaand` at the old gemeente
    (id = inburgeraar-api's verhuizingId), `inkomend` at the new one (the same id), `verzoek` where another deployment
    asked the old gemeente to register the move. A table-backed queue like the reports: claimed with SKIP LOCKED and
    a lease, retried with back-off. `stappen` holds when each step was done; `inhoud` holds the bundle (with the BSN)
    only while the transfer needs it — it is deleted once delivered or imported, the rest stays as the record."""

    __tablename__ = "overdracht"
    __table_args__ = (
        Index("ix_overdracht_te_doen", "volgende_poging_at", postgresql_where="status = 'bezig'"),
        Index("ix_overdracht_inburgeraar", "gemeente_code", "inburgeraar_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    richting: Mapped[str] = mapped_column(String(10), primary_key=True)
    # The gemeente served here whose transfer this is: O for `uitgaand` and `verzoek`, N for `inkomend`.
    gemeente_code: Mapped[str] = mapped_column(String(4))
    van_gemeente: Mapped[str] = mapped_column(String(4))
    naar_gemeente: Mapped[str] = mapped_column(String(4))
    verhuisdatum: Mapped[date | None] = mapped_column(Date)
    # The person in `gemeente_code` (at N known once inburgeraar-api took its part in).
    inburgeraar_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # bezig -> afgerond | mislukt
    status: Mapped[str] = mapped_column(String(20), server_default="bezig")
    stappen: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    inhoud: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Of the bundle as received (`inkomend`): the same body again is the same transfer, another one a conflict.
    sha256: Mapped[str | None] = mapped_column(String(64))
    pogingen: Mapped[int] = mapped_column(Integer, server_default="0")
    volgende_poging_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    geclaimd_tot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    laatste_fout: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    afgerond_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    inhoud_verwijderd_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
