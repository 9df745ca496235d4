"""`python -m coa_standin serve|relay|migrate|seed|speel` (see `inburgering_kit.entrypoint`): `seed` records a demo
set of koppelingen and klantprofielen; `speel SOORT --gemeente 0363 [--coa-id COA1] [--bsn 999990044]
[--gegevens JSON]` plays one of COA's moves. Both write to the database; the running API's delivery worker notifies
the gemeente."""

from __future__ import annotations

import sys
from pathlib import Path

from coa_standin.cli import seed, speel
from coa_standin.settings import Settings
from inburgering_kit.entrypoint import main

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "speel":
        speel(Settings(), sys.argv[2:])
    else:
        main("coa_standin", Settings, MIGRATIONS, jobs={"seed": seed})
