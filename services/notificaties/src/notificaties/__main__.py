"""`python -m notificaties relay|migrate`. The API (with the event consumer and the delivery worker as
background tasks) runs under uvicorn: `uvicorn notificaties.main:create_app --factory`.

This service publishes no events, so its relay has nothing to do; it exists so every service is started
the same way (`make run`, deploy/)."""

from __future__ import annotations

import sys
from pathlib import Path

from inburgering_kit.migrations import upgrade
from inburgering_kit.worker import run_relay
from notificaties.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else ""
    settings = Settings()
    if command == "relay":
        run_relay(settings)
    elif command == "migrate":
        upgrade(MIGRATIONS, settings.database_url)
    else:
        sys.exit("gebruik: python -m notificaties relay|migrate")


if __name__ == "__main__":
    main(sys.argv)
