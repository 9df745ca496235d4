"""The retention job every service runs on its own data (Besluit inburgering 2021 art. 9.9): the mechanism, not the
rules. Each service decides from the events it already receives when its data of a person fall due, and deletes
them in `opruimen`; the kit runs that once per day and deployment, lets it delete from the append-only processing
log, and keeps a deletion report of counts per kind (no content, no ids).

Exactly once, also with several replicas started by the same schedule: the run takes a transaction-level advisory
lock (a second replica at the same moment skips), and a day that already has a report is not run again. Everything
of one run is one transaction: a run that fails half-way deleted nothing and is simply run again.

The processing log's own retention (`VERWERKINGENLOG_BEWAARTERMIJN`): a record is about the processing of a person's
data, so it is kept as long as those data, and deleted with the person's other data five years after the plicht
ended (Besluit inburgering 2021 art. 9.9: the log is none of the data kept 50 years; AVG art. 5 lid 1 onder e,
opslagbeperking, against art. 5 lid 2, verantwoording, which needs the record while the data exist). A record about
no person (a listing's own processing, an inzage of the log) is deleted five years after it was made, the same
term. Source of the record format: Logius, Logboek Dataverwerkingen.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import op
from fastapi import FastAPI
from sqlalchemy import Date, DateTime, Index, String, func, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from inburgering_kit.audit import APPEND_ONLY_SQL, APPEND_ONLY_V2_SQL, RETENTIE_SETTING
from inburgering_kit.consumer import EventConsumer
from inburgering_kit.db import Database, KitBase
from inburgering_kit.events import CloudEvent
from inburgering_kit.kalender import plus_jaren
from inburgering_kit.settings import ServiceSettings

logger = logging.getLogger(__name__)

S = TypeVar("S", bound=ServiceSettings)

VERWERKINGENLOG_BEWAARTERMIJN = (
    "Verwerkingenlog: een verwerking over een betrokkene wordt verwijderd met diens overige gegevens, 5 jaar na het "
    "einde van de inburgeringsplicht of na overlijden (Besluit inburgering 2021 art. 9.9; AVG art. 5 lid 1 onder e "
    "en lid 2); een verwerking zonder betrokkene 5 jaar nadat ze is vastgelegd."
)
VERWERKING_ZONDER_BETROKKENE_JAREN = 5

# What a service hands the job: delete what is due on `peildatum`, return the counts per kind.
Opruimer = Callable[[AsyncSession, date], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class Verwijderrapport:
    """What one run deleted: counts per kind of data, never what (no content, no ids)."""

    service: str
    peildatum: date
    aantallen: dict[str, int] = field(default_factory=dict)

    @property
    def totaal(self) -> int:
        return sum(self.aantallen.values())

    def as_json(self) -> str:
        return json.dumps(
            {"service": self.service, "peildatum": self.peildatum.isoformat(), "aantallen": self.aantallen},
            sort_keys=True,
        )


def vervaldatum(einde: date, jaren: int) -> date:
    """The first day data may no longer be kept: `jaren` after `einde` (29 February + n years is 28 February)."""
    return plus_jaren(einde, jaren)


def grens(peildatum: date, jaren: int) -> date:
    """What ended *before* this day is due on `peildatum`: kept through the last day of the term (the day `jaren`
    after the end), deleted the day after."""
    return plus_jaren(peildatum, -jaren)


_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtext(:naam))")
_AL_GEDAAN = text("SELECT 1 FROM retentie_rapport WHERE peildatum = :peildatum")
_RAPPORT = text(
    "INSERT INTO retentie_rapport (id, peildatum, aantallen) VALUES (CAST(:id AS uuid), :peildatum, CAST(:a AS jsonb))"
)


async def voer_uit(database: Database, service: str, opruimen: Opruimer, peildatum: date) -> Verwijderrapport | None:
    """One retention run for `peildatum`; None when another replica holds the run or the day was done already."""
    async with database.unit_of_work() as uow:
        session = uow.session
        if not (await session.execute(_LOCK, {"naam": f"retentie:{service}"})).scalar_one():
            logger.info("retentie: een andere replica voert de ronde uit")
            return None
        if (await session.execute(_AL_GEDAAN, {"peildatum": peildatum})).first() is not None:
            logger.info("retentie: %s is al uitgevoerd", peildatum)
            return None
        # Transaction-local: only this run's statements pass the processing log's guard.
        await session.execute(text(f"SET LOCAL {RETENTIE_SETTING} = 'aan'"))
        aantallen = await opruimen(session, peildatum)
        aantallen["verwerking-zonder-betrokkene"] = await verwijder_verwerkingen_zonder_betrokkene(
            session, grens(peildatum, VERWERKING_ZONDER_BETROKKENE_JAREN)
        )
        rapport = Verwijderrapport(service, peildatum, dict(sorted(aantallen.items())))
        await session.execute(
            _RAPPORT, {"id": str(uuid.uuid4()), "peildatum": peildatum, "a": json.dumps(rapport.aantallen)}
        )
        await uow.commit()
    logger.info("retentie: %s", rapport.as_json())
    return rapport


async def verwijder_verwerkingen(session: AsyncSession, gemeente_betrokkenen: Sequence[tuple[str, str]]) -> int:
    """Delete the processing records about these (gemeente, betrokkene) pairs; only inside `voer_uit`."""
    if not gemeente_betrokkenen:
        return 0
    result = await session.execute(
        text(
            "DELETE FROM verwerking v USING unnest(CAST(:g AS text[]), CAST(:b AS text[])) AS d(g, b) "
            "WHERE v.gemeente_code = d.g AND v.betrokkene = d.b"
        ),
        {"g": [g for g, _ in gemeente_betrokkenen], "b": [b for _, b in gemeente_betrokkenen]},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def verwijder_verwerkingen_zonder_betrokkene(session: AsyncSession, voor: date) -> int:
    begin = datetime.combine(voor, time.min, tzinfo=UTC)
    result = await session.execute(
        text("DELETE FROM verwerking WHERE betrokkene IS NULL AND at < :begin"), {"begin": begin}
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def vandaag() -> date:
    return datetime.now(UTC).date()


def retentie_job(service: str, opruimer: Callable[[S], Opruimer]) -> Callable[[S], Coroutine[Any, Any, None]]:
    """The work of a service's `retentie` command (wrap in `entrypoint.background`): one run for today, for a
    daily schedule (a Kubernetes CronJob); prints the deletion report."""

    async def work(settings: S) -> None:
        database = Database(settings.database_url, pool_size=1)
        try:
            rapport = await voer_uit(database, service, opruimer(settings), vandaag())
            print(rapport.as_json() if rapport is not None else "{}")
        finally:
            await database.dispose()

    return work


# --- Kit schema v4: the report, the end of the plicht per person, the guard that lets the retention job delete ------


class Retentierapport(KitBase):
    __tablename__ = "retentie_rapport"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    uitgevoerd_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    peildatum: Mapped[date] = mapped_column(Date, unique=True)
    aantallen: Mapped[dict[str, int]] = mapped_column(JSONB)


class RetentieBetrokkene(KitBase):
    __tablename__ = "retentie_betrokkene"
    __table_args__ = (Index("ix_retentie_betrokkene_einde", "einde_plicht_datum"),)

    inburgeraar_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    gemeente_code: Mapped[str] = mapped_column(String(4))
    einde_plicht_datum: Mapped[date | None] = mapped_column(Date)
    overige_verwijderd_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def create_retentie_v4() -> None:
    op.create_table(
        "retentie_rapport",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("uitgevoerd_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("aantallen", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retentie_rapport")),
        sa.UniqueConstraint("peildatum", name=op.f("uq_retentie_rapport_peildatum")),
    )
    op.create_table(
        "retentie_betrokkene",
        sa.Column("inburgeraar_id", sa.UUID(), nullable=False),
        sa.Column("gemeente_code", sa.String(length=4), nullable=False),
        sa.Column("einde_plicht_datum", sa.Date(), nullable=True),
        sa.Column("overige_verwijderd_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("inburgeraar_id", name=op.f("pk_retentie_betrokkene")),
    )
    op.create_index("ix_retentie_betrokkene_einde", "retentie_betrokkene", ["einde_plicht_datum"])
    for statement in APPEND_ONLY_V2_SQL:
        op.execute(statement)


def drop_retentie_v4() -> None:
    op.execute(APPEND_ONLY_SQL[0])
    op.drop_index("ix_retentie_betrokkene_einde", table_name="retentie_betrokkene")
    op.drop_table("retentie_betrokkene")
    op.drop_table("retentie_rapport")


# --- The end of the plicht as a context without the plicht facts knows it -------------------------------------------
# inburgeraar-api publishes `einde-plicht-gewijzigd`; every other context keeps that date per person in this table
# (`RetentieBetrokkene`) from its own consumer, and its job reads only its own copy. The context that owns the plicht
# keeps its own (inburgeraar-api's `bewaartermijn`) and leaves this one empty.


async def leg_einde_vast(session: AsyncSession, inburgeraar_id: uuid.UUID, gemeente: str, einde: date | None) -> None:
    """The (new) end of a person's plicht; a new end makes the data due again from that day."""
    await session.execute(
        text(
            "INSERT INTO retentie_betrokkene (inburgeraar_id, gemeente_code, einde_plicht_datum) VALUES (:i, :g, :e) "
            "ON CONFLICT (inburgeraar_id) DO UPDATE SET einde_plicht_datum = EXCLUDED.einde_plicht_datum, "
            "overige_verwijderd_at = NULL"
        ),
        {"i": inburgeraar_id, "g": gemeente, "e": einde},
    )


async def verlopen(session: AsyncSession, voor: date) -> list[tuple[uuid.UUID, str]]:
    """The persons (id, gemeente) whose plicht ended before `voor` and whose data are still here."""
    result = await session.execute(
        text(
            "SELECT inburgeraar_id, gemeente_code FROM retentie_betrokkene "
            "WHERE einde_plicht_datum < :voor AND overige_verwijderd_at IS NULL"
        ),
        {"voor": voor},
    )
    return [(row[0], row[1]) for row in result.all()]


async def markeer_verwijderd(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    if ids:
        await session.execute(
            text("UPDATE retentie_betrokkene SET overige_verwijderd_at = now() WHERE inburgeraar_id = ANY(:ids)"),
            {"ids": list(ids)},
        )


# The one event the other contexts follow for retention (inburgeraar-api's contract, `contracts/events/`).
EINDE_PLICHT_SUBJECT = "nl.inburgering.inburgeraar.einde-plicht-gewijzigd"


async def verwerk_einde_plicht(session: AsyncSession, event: CloudEvent) -> None:
    if event.type != EINDE_PLICHT_SUBJECT or event.gemeentecode is None:
        return
    try:
        inburgeraar_id = uuid.UUID(str(event.data["inburgeraarId"]))
        einde = event.data.get("einddatum")
        await leg_einde_vast(
            session, inburgeraar_id, event.gemeentecode, date.fromisoformat(einde) if einde is not None else None
        )
    except (KeyError, TypeError, ValueError):
        # Data that break the published contract will not mend on redelivery (see pip-api's projection).
        logger.warning("retentie: event %s voldoet niet aan het contract; overgeslagen", event.id)


def einde_plicht_consumer(app: FastAPI, settings: ServiceSettings, durable: str) -> EventConsumer:
    """The consumer that keeps `retentie_betrokkene` (its own durable `durable`, see `nats_access`)."""
    return EventConsumer(
        app.state.database,
        settings.nats_url,
        durable=durable,
        filter_subject=EINDE_PLICHT_SUBJECT,
        handler=verwerk_einde_plicht,
        stream=settings.stream_name,
    )


def einde_plicht_achtergrond(
    settings: ServiceSettings, durable: str
) -> Callable[[FastAPI, asyncio.Event], Coroutine[Any, Any, None]]:
    """That consumer as a loop beside the API (`ServiceDefinition.background`)."""

    async def run(app: FastAPI, stop: asyncio.Event) -> None:
        await einde_plicht_consumer(app, settings, durable).run(stop)

    return run
