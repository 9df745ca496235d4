"""`python -m handhaving_api serve|relay|migrate|dead-letters-count|dead-letters-replay` (see
`inburgering_kit.entrypoint`): the last two count, per consumer, the events its projection could not apply, or
apply them again after a fix."""

from __future__ import annotations

from pathlib import Path

from handhaving_api.main import consumers
from handhaving_api.settings import Settings
from inburgering_kit.entrypoint import main

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    main("handhaving_api", Settings, MIGRATIONS, consumer=consumers)
