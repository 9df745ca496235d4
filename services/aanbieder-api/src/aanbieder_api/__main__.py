"""`python -m aanbieder_api serve|relay|migrate|dead-letters-count|dead-letters-replay` (see
`inburgering_kit.entrypoint`): the last two count, per consumer, the PIP and inburgeraar events the projections
could not apply, or apply them again after a fix."""

from __future__ import annotations

from pathlib import Path

from aanbieder_api.main import consumers
from aanbieder_api.services import retentie
from aanbieder_api.settings import Settings
from inburgering_kit.entrypoint import background, main
from inburgering_kit.retentie import retentie_job

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    main(
        "aanbieder_api",
        Settings,
        MIGRATIONS,
        consumer=consumers,
        jobs={"retentie": background(retentie_job(retentie.SERVICE, retentie.opruimer))},
    )
