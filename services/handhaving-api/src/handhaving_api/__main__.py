"""`python -m handhaving_api serve|relay|migrate` (see `inburgering_kit.entrypoint`). The zienswijze signal job
joins here as a named job (`jobs={...}`), like pip-api's `signalen-job`."""

from __future__ import annotations

from pathlib import Path

from handhaving_api.settings import Settings
from inburgering_kit.entrypoint import main

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    main("handhaving_api", Settings, MIGRATIONS)
