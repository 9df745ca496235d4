"""`python -m pip_api relay|migrate|signalen|signalen-job`: the relay as its own process, the migrations alone, one
signal pass (for a cron job), or the signal job that passes every `signalen_interval_seconden` until stopped (beside
the API, like the relay). The API itself runs under uvicorn: `uvicorn pip_api.main:create_app --factory`."""

from __future__ import annotations

import sys
from pathlib import Path

from inburgering_kit.db import Database
from inburgering_kit.events import source_urn
from inburgering_kit.logs import configure_logging
from inburgering_kit.migrations import upgrade
from inburgering_kit.outbox import EventPublisher
from inburgering_kit.worker import run_process, run_relay, run_until_signalled
from pip_api.main import DEFINITION
from pip_api.services.signalen import bewaak, signaleer
from pip_api.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else ""
    settings = Settings()
    if command == "relay":
        run_relay(settings)
    elif command == "migrate":
        upgrade(MIGRATIONS, settings.database_url)
    elif command in {"signalen", "signalen-job"}:
        configure_logging(settings.log_level)
        run_process(_signalen(settings, blijvend=command == "signalen-job"))
    else:
        sys.exit("gebruik: python -m pip_api relay|migrate|signalen|signalen-job")


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


if __name__ == "__main__":
    main(sys.argv)
