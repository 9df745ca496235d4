"""The zienswijze signal: a voornemen whose zienswijzetermijn passed without a zienswijze is ready for the besluit
(Awb art. 4:8, 5:53), and the klantregisseur is told so once.

Exactly once per voornemen, whatever runs it: the `zienswijze_signaal` row (unique on the voornemen) and its outbox
event are written in one transaction, and only for rows this transaction inserted, so a second replica running at
the same moment, or the job after a restart, finds the key taken and writes nothing. A pass is set-based: one
INSERT ... SELECT per batch, one bulk outbox insert.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from handhaving_api.events import ZienswijzetermijnVerstreken
from handhaving_api.repository import SignaalJobRepository, SignaalRij
from handhaving_api.services.overtredingen import pad
from handhaving_api.settings import Settings
from inburgering_kit.db import Database
from inburgering_kit.events import CloudEvent
from inburgering_kit.outbox import EventPublisher, add_events
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


def _event(publisher: EventPublisher, api_prefix: str, s: SignaalRij) -> CloudEvent:
    data = ZienswijzetermijnVerstreken(
        signaal_id=s.id,
        overtreding_id=s.overtreding_id,
        inburgeraar_id=s.inburgeraar_id,
        zienswijze_uiterste_datum=s.zienswijze_uiterste_datum,
    )
    # The job has no request context to add the API's prefix to the dataref, so it is given.
    resource_path = f"{api_prefix}{pad(s.overtreding_id)}"
    return publisher.build(data, subject=s.overtreding_id, resource_path=resource_path, gemeentecode=s.gemeente_code)


async def signaleer(
    database: Database, publisher: EventPublisher, api_prefix: str, settings: Settings, *, dag: date | None = None
) -> Verslag:
    """One full pass: every voornemen whose term ended before `dag` gets its signal. Safe to run concurrently."""
    dag = dag or vandaag()
    verslag = Verslag()
    while True:
        async with database.unit_of_work() as uow:
            nieuw = await SignaalJobRepository(uow.session).raise_batch(dag, settings.signalen_batch)
            await add_events(uow.session, [_event(publisher, api_prefix, s) for s in nieuw])
            await uow.commit()
        if not nieuw:
            break
        verslag.nieuw += len(nieuw)
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
