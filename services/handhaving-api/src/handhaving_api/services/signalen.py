"""The zienswijze signal: a voornemen whose zienswijzetermijn passed without a zienswijze is ready for the besluit
(Awb art. 4:8, 5:53), and the klantregisseur is told so once.

Exactly once per voornemen, whatever runs it: the `zienswijze_signaal` row (unique on the voornemen) and its outbox
event are written by one statement, and only for rows that statement inserted, so a second replica running at
the same moment, or the job after a restart, finds the key taken and writes nothing. A pass is set-based: one
statement per batch (INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING, feeding the outbox insert), walking the
open voornemens in order of their last day, so no batch reads again what an earlier one handled.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from handhaving_api.events import ZienswijzetermijnVerstreken
from handhaving_api.repository import EventSjabloon, SignaalJobRepository
from handhaving_api.repository.signaal import BEGIN
from handhaving_api.services.overtredingen import pad
from handhaving_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.events import nats_subject
from inburgering_kit.outbox import EventPublisher
from inburgering_kit.worker import supervise

logger = logging.getLogger(__name__)

# Terms are calendar days in the Netherlands: "today" is the Dutch date, not the UTC one.
TIJDZONE = ZoneInfo("Europe/Amsterdam")


@dataclass
class Verslag:
    """What one pass did: for logs, the CLI and the bench."""

    nieuw: int = 0
    batches: int = 0


def vandaag() -> date:
    return datetime.now(TIJDZONE).date()


def sjabloon(publisher: EventPublisher, api_prefix: str) -> EventSjabloon:
    """The envelope `EventPublisher.build` makes, for the statement to fill in per signal (id, subject, dataref,
    gemeentecode, data): one source of truth for the envelope, without a Python object per event."""
    nul = uuid.UUID(int=0)
    voorbeeld = ZienswijzetermijnVerstreken(
        signaal_id=nul, overtreding_id=nul, inburgeraar_id=nul, zienswijze_uiterste_datum=date.min
    )
    # The job has no request context to add the API's prefix to the dataref, so it is given.
    event = publisher.build(voorbeeld, subject=nul, resource_path=f"{api_prefix}{pad(nul)}", gemeentecode=None)
    envelope = event.model_dump(mode="json", exclude={"id", "subject", "dataref", "gemeentecode", "data"})
    dataref = (event.dataref or "").removesuffix(str(nul))
    return EventSjabloon(envelope=envelope, subject=nats_subject(event.type), dataref=dataref)


async def signaleer(
    database: Database, publisher: EventPublisher, api_prefix: str, settings: Settings, *, dag: date | None = None
) -> Verslag:
    """One full pass: every voornemen whose term ended before `dag` gets its signal. Safe to run concurrently."""
    dag = dag or vandaag()
    verslag = Verslag()
    na = BEGIN
    while True:
        async with database.unit_of_work() as uow:
            batch = await SignaalJobRepository(uow.session).raise_batch(
                dag, settings.signalen_batch, sjabloon(publisher, api_prefix), na
            )
            await uow.commit()
        if batch.laatste is None:
            break
        na = batch.laatste
        verslag.nieuw += batch.nieuw
        verslag.batches += 1
    logger.info("zienswijze-signalen: %d nieuw in %d batches", verslag.nieuw, verslag.batches)
    return verslag


async def bewaak(
    database: Database, publisher: EventPublisher, api_prefix: str, settings: Settings, stop: asyncio.Event
) -> None:
    """A pass at start and then every `signalen_interval_seconden` until `stop`, as its own process beside the API
    (`python -m handhaving_api signalen-job`), supervised by the kit like pip-api's termijn signals."""
    await supervise(
        "zienswijze-signalen",
        lambda: signaleer(database, publisher, api_prefix, settings),
        stop,
        interval=settings.signalen_interval_seconden,
    )
