"""Playing DUO's side by hand: `speel` records one fact, `seed` a demo set. Written straight to the database through
the use cases; the API's delivery worker notifies the subscribed gemeente."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from duo_standin.api.deps import valideer
from duo_standin.api.soorten import SOORTEN
from duo_standin.repository.opslag import OPSLAG
from duo_standin.services import feiten
from duo_standin.settings import Settings
from inburgering_kit.bsn import is_valid_bsn
from ketenpartner_standin.cli import Zet, speel_een, zaai
from ketenpartner_standin.services import FeitMetPersoon

# Test BSNs (the 11-proef holds; the 99999xxxx range is not issued to people).
DEMO: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "plicht-vastgesteld",
        "0363",
        "999990007",
        {
            "doelgroep": "asielmigrant",
            "startdatum": "2026-01-05",
            "termijnInburgering": "2029-01-05",
            "termijnPvt": "2027-01-05",
            "termijnMap": "2027-01-05",
        },
    ),
    ("recht-maatschappelijke-begeleiding", "0363", "999990007", {"recht": True, "ingangsdatum": "2026-01-05"}),
    (
        "examenresultaat",
        "0363",
        "999990007",
        {"onderdeel": "lezen", "examendatum": "2026-09-01", "poging": 1, "resultaat": "behaald", "niveau": "B1"},
    ),
    (
        "plicht-vastgesteld",
        "0363",
        "999990019",
        {
            "doelgroep": "gezinsmigrant",
            "startdatum": "2025-06-01",
            "termijnInburgering": "2028-06-01",
            "termijnPvt": "2026-06-01",
            "termijnMap": "2026-06-01",
        },
    ),
    ("verlenging-aangevraagd", "0363", "999990019", {"aanvraagdatum": "2026-03-01", "reden": "ziekte"}),
    (
        "verlenging-besloten",
        "0363",
        "999990019",
        {"besluit": "toegekend", "besluitdatum": "2026-04-01", "nieuweEinddatum": "2029-06-01"},
    ),
    (
        "plicht-vastgesteld",
        "0599",
        "999990020",
        {
            "doelgroep": "overige-migrant",
            "startdatum": "2025-02-01",
            "termijnInburgering": "2028-02-01",
            "termijnPvt": "2026-02-01",
            "termijnMap": "2026-02-01",
        },
    ),
    ("certificaat", "0599", "999990020", {"certificaatdatum": "2026-05-20"}),
    (
        "verhuisd",
        "0363",
        "999990020",
        {"vorigeGemeentecode": "0599", "nieuweGemeentecode": "0363", "verhuisdatum": "2026-06-01"},
    ),
]


async def _vastleggen(session: AsyncSession, zet: Zet) -> FeitMetPersoon:
    soort, gemeente, bsn, duo_id, gegevens = zet
    assert bsn is not None
    return await feiten.registreer(
        session,
        soort=soort,
        gemeente_code=gemeente,
        bsn=bsn,
        duo_id=duo_id,
        gegevens=valideer(SOORTEN[soort], gegevens, "gegevens"),
    )


def seed(settings: Settings) -> None:
    """The demo set, once: on a stand-in that holds facts already it does nothing."""
    zaai(settings.database_url, OPSLAG, [(s, g, b, None, d) for s, g, b, d in DEMO], _vastleggen)


def speel(settings: Settings, args: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m duo_standin speel", description="DUO legt een feit vast.")
    parser.add_argument("soort", choices=sorted(SOORTEN))
    parser.add_argument("--gemeente", required=True, help="gemeentecode, bijvoorbeeld 0363")
    parser.add_argument("--bsn", required=True)
    parser.add_argument("--duo-id", default=None)
    parser.add_argument("--gegevens", default="{}", help='JSON, bijvoorbeeld {"certificaatdatum": "2026-05-20"}')
    options = parser.parse_args(list(args))
    if not is_valid_bsn(options.bsn):
        raise SystemExit("geweigerd: geen geldig BSN")
    speel_een(
        settings.database_url,
        options.gegevens,
        lambda gegevens: (options.soort, options.gemeente, options.bsn, options.duo_id, gegevens),
        _vastleggen,
    )


__all__ = ["seed", "speel"]
