"""Playing COA's side by hand: `speel` records one fact, `seed` a demo set. Written straight to the database through
the use cases; the API's delivery worker notifies the subscribed gemeente."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from coa_standin.api.deps import valideer
from coa_standin.api.soorten import SOORTEN
from coa_standin.repository.opslag import OPSLAG
from coa_standin.services import feiten
from coa_standin.settings import Settings
from inburgering_kit.bsn import is_valid_bsn
from ketenpartner_standin.cli import Zet, speel_een, zaai
from ketenpartner_standin.services import FeitMetPersoon

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


async def _vastleggen(session: AsyncSession, zet: Zet) -> FeitMetPersoon:
    soort, gemeente, bsn, coa_id, gegevens = zet
    return await feiten.registreer(
        session,
        soort=soort,
        gemeente_code=gemeente,
        bsn=bsn,
        coa_id=coa_id,
        gegevens=valideer(SOORTEN[soort], gegevens, "gegevens"),
    )


def seed(settings: Settings) -> None:
    """The demo set, once: on a stand-in that holds facts already it does nothing."""
    zaai(settings.database_url, OPSLAG, DEMO, _vastleggen)


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
    speel_een(
        settings.database_url,
        options.gegevens,
        lambda gegevens: (options.soort, options.gemeente, options.bsn, options.coa_id, gegevens),
        _vastleggen,
    )
