"""Playing COA's side by hand: `speel` records one fact, `seed` a demo set. Written straight to the database through
the use cases; the API's delivery worker notifies the subscribed gemeente."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any

from coa_standin.api.deps import valideer
from coa_standin.api.soorten import SOORTEN
from coa_standin.services import feiten
from coa_standin.settings import Settings
from inburgering_kit.bsn import is_valid_bsn
from inburgering_kit.db import Database
from inburgering_kit.problems import Problem

Zet = tuple[str, str, str | None, str | None, dict[str, Any]]

# Test BSNs (the 11-proef holds; the 99999xxxx range is not issued to people).
DEMO: list[Zet] = [
    ("koppeling", "0363", None, "COA000000001", {"datumKoppeling": "2026-01-10"}),
    (
        "klantprofiel",
        "0363",
        None,
        "COA000000001",
        {
            "taalvaardigheid": "A1",
            "opleiding": "mbo 2 techniek",
            "contactUaf": False,
            "coaContactpersoon": "J. de Vries",
        },
    ),
    ("bsn-bekend", "0363", "999990032", "COA000000001", {}),
    (
        "klantprofiel",
        "0363",
        None,
        "COA000000001",
        {"taalvaardigheid": "A2", "opleiding": "mbo 2 techniek", "cvGemaakt": True, "coaContactpersoon": "J. de Vries"},
    ),
    ("koppeling", "0599", "999990044", "COA000000002", {"datumKoppeling": "2026-02-01"}),
]


async def _registreer(settings: Settings, zetten: Sequence[Zet]) -> None:
    database = Database(settings.database_url, pool_size=1)
    try:
        for soort, gemeente, bsn, coa_id, gegevens in zetten:
            async with database.unit_of_work() as uow:
                gevonden = await feiten.registreer(
                    uow.session,
                    soort=soort,
                    gemeente_code=gemeente,
                    bsn=bsn,
                    coa_id=coa_id,
                    gegevens=valideer(SOORTEN[soort], gegevens, "gegevens"),
                )
                await uow.commit()
            print(f"{soort} voor {gemeente}: feit {gevonden.feit.id} (volgnummer {gevonden.feit.volgnummer})")
    finally:
        await database.dispose()


def seed(settings: Settings) -> None:
    asyncio.run(_registreer(settings, DEMO))


def speel(settings: Settings, args: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m coa_standin speel", description="COA legt een feit vast.")
    parser.add_argument("soort", choices=sorted(SOORTEN))
    parser.add_argument("--gemeente", required=True, help="gemeentecode, bijvoorbeeld 0363")
    parser.add_argument("--bsn", default=None)
    parser.add_argument("--coa-id", default=None)
    parser.add_argument("--gegevens", default="{}", help='JSON, bijvoorbeeld {"datumKoppeling": "2026-01-10"}')
    options = parser.parse_args(list(args))
    if options.bsn is not None and not is_valid_bsn(options.bsn):
        raise SystemExit("geweigerd: geen geldig BSN")
    try:
        gegevens = json.loads(options.gegevens)
        asyncio.run(_registreer(settings, [(options.soort, options.gemeente, options.bsn, options.coa_id, gegevens)]))
    except (json.JSONDecodeError, Problem) as exc:
        reasons = [f"  {p.name}: {p.reason}" for p in getattr(exc, "invalid_params", None) or []]
        raise SystemExit("\n".join([f"geweigerd: {exc}", *reasons])) from exc
