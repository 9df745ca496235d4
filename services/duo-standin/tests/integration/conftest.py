from __future__ import annotations

from typing import Any

import httpx
import pytest

from inburgering_kit.testing.service import isolation
from ketenpartner_standin.testing import NieuwFeit, Ontvanger, abonneer, keten_fixtures, storing

_isolated = isolation()

__all__ = ["Ontvanger", "abonneer", "storing"]

BSN = "999990007"
ANDER_BSN = "999990019"


_ontvanger_server, ontvanger, keten, keten_0599, beheer, speelveld = keten_fixtures()


async def speel(
    client: httpx.AsyncClient,
    beheer: dict[str, str],
    soort: str,
    gegevens: dict[str, Any],
    *,
    gemeente: str = "0363",
    bsn: str = BSN,
) -> dict[str, Any]:
    body = {"soort": soort, "gemeentecode": gemeente, "persoon": {"bsn": bsn}, "gegevens": gegevens}
    response = await client.post("/api/v1/beheer/feiten", json=body, headers=beheer)
    assert response.status_code == 201, response.text
    return dict(response.json())


PLICHT = {
    "doelgroep": "asielmigrant",
    "startdatum": "2026-01-05",
    "termijnInburgering": "2029-01-05",
    "termijnPvt": "2027-01-05",
    "termijnMap": "2027-01-05",
}

VOORBEELDEN: dict[str, dict[str, Any]] = {
    "plicht-vastgesteld": PLICHT,
    "plicht-gewijzigd": {
        "ingangsdatum": "2026-03-01",
        "reden": "verblijfsdoel gewijzigd",
        "doelgroep": "gezinsmigrant",
    },
    "vrijstelling": {"omvang": "gedeeltelijk", "onderdelen": ["knm"], "ingangsdatum": "2026-02-01", "reden": "diploma"},
    "ontheffing": {"ingangsdatum": "2026-02-01", "reden": "medisch"},
    "aangepaste-examenomstandigheden": {"ingangsdatum": "2026-02-01", "omschrijving": "extra tijd"},
    "recht-maatschappelijke-begeleiding": {"recht": True, "ingangsdatum": "2026-01-05"},
    "termijnen-gewijzigd": {"reden": "verlenging", "termijnInburgering": "2030-01-05"},
    "examenresultaat": {"onderdeel": "lezen", "examendatum": "2026-09-01", "poging": 1, "resultaat": "behaald"},
    "diploma": {"diplomadatum": "2027-01-10", "niveau": "B1"},
    "certificaat": {"certificaatdatum": "2027-02-01"},
    "verlenging-aangevraagd": {"aanvraagdatum": "2028-10-01", "reden": "ziekte"},
    "verlenging-besloten": {"besluit": "toegekend", "besluitdatum": "2028-11-01", "nieuweEinddatum": "2030-01-05"},
    "boete-opgelegd": {
        "kenmerk": "DUO-B-1",
        "besluitdatum": "2029-02-01",
        "bedrag": 500,
        "reden": "termijn verstreken",
    },
    "verhuisd": {"vorigeGemeentecode": "0599", "nieuweGemeentecode": "0363", "verhuisdatum": "2026-06-01"},
}


@pytest.fixture
def nieuw_feit(client: httpx.AsyncClient, beheer: dict[str, str]) -> NieuwFeit:
    async def maak() -> dict[str, Any]:
        return await speel(client, beheer, "certificaat", VOORBEELDEN["certificaat"])

    return maak
