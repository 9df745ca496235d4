"""`python -m notificaties relay|migrate|bezorging`. The API (with the event consumer and the delivery worker as
background tasks unless `NOTIFICATIES_RUN_DELIVERY=false`) runs under uvicorn:
`uvicorn notificaties.main:create_app --factory`. `bezorging` runs the consumer and the worker without the
API, to scale delivery apart from it (several replicas are safe).

This service publishes no events, so its relay has nothing to do; it exists so every service is started
the same way (`make run`, deploy/)."""

from __future__ import annotations

import sys
from pathlib import Path

from inburgering_kit.db import Database
from inburgering_kit.logs import configure_logging
from inburgering_kit.migrations import upgrade
from inburgering_kit.worker import run_process, run_relay, run_until_signalled
from notificaties.delivery.distributing import Stats, deliver
from notificaties.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def run_bezorging(settings: Settings) -> None:
    configure_logging(settings.log_level)

    async def main() -> None:
        database = Database(settings.database_url, pool_size=settings.database_pool_size)
        try:
            await run_until_signalled(lambda stop: deliver(database, settings, Stats(), stop))
        finally:
            await database.dispose()

    run_process(main())


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else ""
    settings = Settings()
    if command == "relay":
        run_relay(settings)
    elif command == "bezorging":
        run_bezorging(settings)
    elif command == "migrate":
        upgrade(MIGRATIONS, settings.database_url)
    else:
        sys.exit("gebruik: python -m notificaties relay|migrate|bezorging")


if __name__ == "__main__":
    main(sys.argv)
