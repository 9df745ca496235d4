"""`python -m aanbieder_api relay|migrate`: the outbox relay as its own process, or the migrations alone.
The API itself runs under uvicorn: `uvicorn aanbieder_api.main:create_app --factory`."""

from __future__ import annotations

import sys
from pathlib import Path

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
    else:
        sys.exit("gebruik: python -m aanbieder_api relay|migrate")


if __name__ == "__main__":
    main(sys.argv)
