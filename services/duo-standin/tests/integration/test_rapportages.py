"""The gemeente's reports a–s: acknowledged once, replays answered the same, conflicts and invalid content refused."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from duo_standin.api.items import ITEMS

from .conftest import BSN, storing

PIP = str(uuid.uuid4())
VOORBEELDEN: dict[str, dict[str, Any]] = {
    "a": {
        "voornamen": "Amal",
        "achternaam": "Haddad",
        "straat": "Amstel",
        "huisnummer": "1",
        "postcode": "1011 PN",
        "woonplaats": "Amsterdam",
    },
    "b": {"pipId": PIP, "vastgesteldOp": "2026-03-01"},
    "c": {"pipId": PIP, "datum": "2027-03-01", "redenen": ["ziekte"]},
    "d": {"pipId": PIP, "wijzigingsdatum": "2026-09-01", "omschrijving": "andere leerroute"},
    "e": {"onderdeel": "map", "startGepland": "2026-04-01", "startGerealiseerd": "2026-04-08"},
    "f": {"onderdeel": "pvt", "uitersteDatum": "2027-01-05", "bijgesteld": False},
    "g": {"onderdeel": "map", "gehaald": True},
    "h": {"onderdeel": "map", "datumBehaald": "2026-11-01"},
    "i": {"onderdeel": "pvt", "redenen": ["niet verschenen"]},
    "j": {"onderdeel": "pvt", "verwijtbaar": False},
    "k": {"pipId": PIP, "leerroute": "b1-route", "taalniveau": "A1", "ingangsdatum": "2026-03-01", "eerstePip": True},
    "l": {"soort": "cursus", "startdatum": "2026-04-01", "beoogdeEinddatum": "2027-04-01"},
    "m": {"resultaat": "behaald", "datum": "2026-12-01"},
    "n": {"pipId": PIP, "leerroute": "z-route", "wijzigingsdatum": "2026-10-01", "urenTaalZRoute": 400},
    "o": {"leerroute": "b1-route", "startdatum": "2026-04-08"},
    "p": {"ontvangen": True, "datum": "2028-01-10"},
    "q": {"verzoekdatum": "2028-10-01", "omstandigheden": ["zwangerschap"]},
    "r": {"sinds": "2026-06-01", "reden": "geen aanbieder beschikbaar"},
    "s": {
        "boeteId": str(uuid.uuid4()),
        "besluitdatum": "2027-05-01",
        "bedrag": 800,
        "reden": "PIP niet nagekomen",
        "bezwaar": "ingediend",
    },
}


def rapport(item: str, **gegevens: Any) -> dict[str, Any]:
    return {"item": item, "gemeentecode": "0363", "bsn": BSN, "gegevens": {**VOORBEELDEN[item], **gegevens}}


async def stuur(client: httpx.AsyncClient, keten: dict[str, str], rapport_id: uuid.UUID, body: Any) -> httpx.Response:
    return await client.put(f"/api/v1/rapportages/{rapport_id}", json=body, headers=keten)


class TestRapportage:
    @pytest.mark.parametrize("item", sorted(ITEMS))
    async def test_every_item_is_received_once(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str], item: str
    ) -> None:
        rapport_id = uuid.uuid4()
        eerste = await stuur(client, keten, rapport_id, rapport(item))
        assert eerste.status_code == 201, eerste.text
        assert eerste.json()["status"] == "ontvangen"
        assert eerste.json()["rapportId"] == str(rapport_id)

        herhaling = await stuur(client, keten, rapport_id, rapport(item))
        assert herhaling.status_code == 200
        assert herhaling.json() == eerste.json()

        ontvangen = (await client.get("/api/v1/beheer/rapportages?gemeentecode=0363", headers=beheer)).json()
        assert ontvangen["totalItems"] == 1
        # Stored as DUO reads it: what was sent, with the contract's defaults filled in.
        assert rapport(item)["gegevens"].items() <= ontvangen["resultaten"][0]["gegevens"].items()
        assert ontvangen["resultaten"][0]["bsn"] == BSN

    async def test_same_id_other_content_is_a_conflict(self, client: httpx.AsyncClient, keten: dict[str, str]) -> None:
        rapport_id = uuid.uuid4()
        assert (await stuur(client, keten, rapport_id, rapport("g"))).status_code == 201
        response = await stuur(client, keten, rapport_id, rapport("g", gehaald=False))
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"

    async def test_invalid_content_names_every_field(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str]
    ) -> None:
        body = rapport("a", postcode="1011", voornamen="")
        del body["gegevens"]["woonplaats"]
        body["gegevens"]["schoenmaat"] = 44
        body["bsn"] = "123456789"
        response = await stuur(client, keten, uuid.uuid4(), body)
        assert response.status_code == 422, response.text
        namen = sorted(p["name"] for p in response.json()["invalidParams"])
        assert namen == sorted(
            ["bsn", "gegevens.postcode", "gegevens.voornamen", "gegevens.woonplaats", "gegevens.schoenmaat"]
        )
        ontvangen = (await client.get("/api/v1/beheer/rapportages", headers=beheer)).json()
        assert ontvangen["totalItems"] == 0

    async def test_cross_field_rules(self, client: httpx.AsyncClient, keten: dict[str, str]) -> None:
        eind_voor_start = await stuur(client, keten, uuid.uuid4(), rapport("l", beoogdeEinddatum="2026-01-01"))
        assert eind_voor_start.status_code == 422
        zonder_datum = rapport("p")
        del zonder_datum["gegevens"]["datum"]
        assert (await stuur(client, keten, uuid.uuid4(), zonder_datum)).status_code == 422
        te_hoog = await stuur(client, keten, uuid.uuid4(), rapport("s", bedrag=2401))
        assert [p["name"] for p in te_hoog.json()["invalidParams"]] == ["gegevens.bedrag"]

    async def test_only_for_the_own_gemeente(self, client: httpx.AsyncClient, keten_0599: dict[str, str]) -> None:
        assert (await stuur(client, keten_0599, uuid.uuid4(), rapport("b"))).status_code == 403

    async def test_down_is_503_with_retry_after(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str]
    ) -> None:
        await storing(client, beheer, "plat")
        response = await stuur(client, keten, uuid.uuid4(), rapport("b"))
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) > 0
        await storing(client, beheer, "normaal")
        assert (await stuur(client, keten, uuid.uuid4(), rapport("b"))).status_code == 201
