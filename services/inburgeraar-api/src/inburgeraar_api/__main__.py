"""`python -m inburgeraar_api serve|relay|migrate|retentie|dead-letters-count|dead-letters-replay` (see
`inburgering_kit.entrypoint`): the dead-letter commands count the providers' reports the consumer could not apply (a
person this gemeente has not registered, say), or apply them again after a fix."""

from __future__ import annotations

from pathlib import Path

from inburgeraar_api.main import consumers
from inburgeraar_api.services.retentie import opruimer
from inburgeraar_api.settings import Settings
from inburgering_kit.entrypoint import background, main
from inburgering_kit.retentie import retentie_job

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    main(
        "inburgeraar_api",
        Settings,
        MIGRATIONS,
        consumer=consumers,
        jobs={"retentie": background(retentie_job("inburgeraar-api", opruimer))},
    )
