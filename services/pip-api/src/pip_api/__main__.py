"""`python -m pip_api serve|relay|migrate|dead-letters-count|dead-letters-replay|signalen|signalen-job` (see
`inburgering_kit.entrypoint`): `signalen` is one signal pass (for a cron job), `signalen-job` passes every
`signalen_interval_seconden` until stopped (beside the API, like the relay); the dead letters are the inburgeraar
and aanbieder events the projections could not apply."""

from __future__ import annotations

from pathlib import Path

from inburgering_kit.db import Database
from inburgering_kit.entrypoint import background, main
from inburgering_kit.events import source_urn
from inburgering_kit.outbox import EventPublisher
from inburgering_kit.retentie import retentie_job
from inburgering_kit.worker import run_until_signalled
from pip_api.main import DEFINITION, consumers
from pip_api.services import retentie
from pip_api.services.signalen import bewaak, signaleer
from pip_api.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def _signalen(settings: Settings, *, blijvend: bool) -> None:
    database = Database(settings.database_url, pool_size=2)
    publisher = EventPublisher(
        source=source_urn(settings.oin, DEFINITION.name), public_base_url=settings.public_base_url
    )
    try:
        if blijvend:
            await run_until_signalled(lambda stop: bewaak(database, publisher, settings, stop))
        else:
            await signaleer(database, publisher, settings)
    finally:
        await database.dispose()


async def signalen(settings: Settings) -> None:
    await _signalen(settings, blijvend=False)


async def signalen_job(settings: Settings) -> None:
    await _signalen(settings, blijvend=True)


if __name__ == "__main__":
    main(
        "pip_api",
        Settings,
        MIGRATIONS,
        jobs={
            "signalen": background(signalen),
            "signalen-job": background(signalen_job),
            "retentie": background(retentie_job(retentie.SERVICE, retentie.opruimer)),
        },
        consumer=consumers,
    )
