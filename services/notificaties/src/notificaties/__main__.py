"""`python -m notificaties serve|relay|migrate|dead-letters-count|dead-letters-replay|bezorging` (see
`inburgering_kit.entrypoint`). `bezorging` runs the event consumer and the delivery worker without the API, to
scale delivery apart from it (several replicas are safe; the API runs them itself unless
`NOTIFICATIES_RUN_DELIVERY=false`). The dead letters are events the consumer could not queue deliveries for (not
failed deliveries: those are the `dead-letter` status of an aflevering); a replay queues them.

This service publishes no events, so its relay has nothing to do; it exists so every service is started
the same way (`make run`, deploy/)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from inburgering_kit.db import Database
from inburgering_kit.entrypoint import background, main
from inburgering_kit.retentie import retentie_job
from inburgering_kit.worker import run_until_signalled
from notificaties.delivery.distributing import Distributor, Stats, deliver
from notificaties.services import retentie
from notificaties.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def bezorging(settings: Settings) -> None:
    database = Database(settings.database_url, pool_size=settings.database_pool_size)
    try:
        await run_until_signalled(lambda stop: deliver(database, settings, Stats(), stop))
    finally:
        await database.dispose()


def distributor(app: FastAPI, settings: Settings) -> Distributor:
    # Without a worker: a replayed event is queued, and the running workers' claim delivers it.
    return Distributor(app.state.database, settings, None)


if __name__ == "__main__":
    main(
        "notificaties",
        Settings,
        MIGRATIONS,
        jobs={
            "bezorging": background(bezorging),
            "retentie": background(retentie_job(retentie.SERVICE, retentie.opruimer)),
        },
        consumer=distributor,
    )
