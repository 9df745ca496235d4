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

import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.audit import APPEND_ONLY_SQL, APPEND_ONLY_V2_SQL, RETENTIE_SETTING
from inburgering_kit.db import Database
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


# --- Kit schema v4: the report table and the guard that lets the retention job delete -----------------------------


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
    for statement in APPEND_ONLY_V2_SQL:
        op.execute(statement)


def drop_retentie_v4() -> None:
    op.execute(APPEND_ONLY_SQL[0])
    op.drop_table("retentie_rapport")
