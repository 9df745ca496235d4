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
    bsn: str | None = None,
    coa_id: str | None = None,
    status: int = 201,
) -> dict[str, Any]:
    persoon = {k: v for k, v in {"bsn": bsn, "coaId": coa_id}.items() if v is not None}
    body = {"soort": soort, "gemeentecode": gemeente, "persoon": persoon, "gegevens": gegevens}
    response = await client.post("/api/v1/beheer/feiten", json=body, headers=beheer)
    assert response.status_code == status, response.text
    return dict(response.json())


KOPPELING = {"datumKoppeling": "2026-01-10", "doelgroep": "asielmigrant"}
PROFIEL = {
    "contactgegevens": {
        "voornamen": "Amal",
        "achternaam": "Haddad",
        "telefoon": "+31 6 12345678",
        "email": "a@example.org",
    },
    "voorinburgering": {"toestemming": True, "nt2Spreken": "A1", "introductiemodules": ["werk"], "afgerond": False},
    "taalvaardigheid": "A1",
    "opleiding": "mbo 2",
    "trainingen": ["veiligheid"],
    "contactUaf": True,
    "diplomawaardering": {"aangevraagd": True, "start": "2026-02-01"},
    "cvGemaakt": False,
    "werkervaring": "lasser",
    "zelfwerkzaamheid": "zelfstandig",
    "competenties": "samenwerken",
    "computervaardigheden": "basis",
    "ambities": "eigen bedrijf",
    "coaContactpersoon": "J. de Vries",
}


@pytest.fixture
def nieuw_feit(client: httpx.AsyncClient, beheer: dict[str, str]) -> NieuwFeit:
    async def maak() -> dict[str, Any]:
        return await speel(client, beheer, "koppeling", KOPPELING)

    return maak
