"""`python -m inburgeraar_api serve|relay|migrate` (see `inburgering_kit.entrypoint`)."""

from __future__ import annotations

from pathlib import Path

from inburgeraar_api.settings import Settings
from inburgering_kit.entrypoint import main

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    main("inburgeraar_api", Settings, MIGRATIONS)
