"""`python -m aanbieder_api relay|migrate|dead-letters count|replay`: the outbox relay as its own process, the
migrations alone, or the PIP events the projection could not apply (counted, or applied again after a fix).
The API itself runs under uvicorn: `uvicorn aanbieder_api.main:create_app --factory`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aanbieder_api.main import create_app
from aanbieder_api.services import projectie
from aanbieder_api.settings import Settings
from inburgering_kit.migrations import upgrade
from inburgering_kit.worker import run_relay

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else ""
    settings = Settings()
    if command == "relay":
        run_relay(settings)
    elif command == "migrate":
        upgrade(MIGRATIONS, settings.database_url)
    elif command == "dead-letters" and len(argv) > 2:
        print(asyncio.run(projectie.dead_letters(create_app(settings), settings, argv[2])))
    else:
        sys.exit("gebruik: python -m aanbieder_api relay|migrate|dead-letters count|replay")


if __name__ == "__main__":
    main(sys.argv)
