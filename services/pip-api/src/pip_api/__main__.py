"""`python -m pip_api relay|migrate`: the relay as its own process, or the migrations alone.
The API itself runs under uvicorn: `uvicorn pip_api.main:create_app --factory`."""

from __future__ import annotations

import sys
from pathlib import Path

from inburgering_kit.migrations import upgrade
from inburgering_kit.worker import run_relay
from pip_api.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else ""
    settings = Settings()
    if command == "relay":
        run_relay(settings)
    elif command == "migrate":
        upgrade(MIGRATIONS, settings.database_url)
    else:
        sys.exit("gebruik: python -m pip_api relay|migrate")


if __name__ == "__main__":
    main(sys.argv)
