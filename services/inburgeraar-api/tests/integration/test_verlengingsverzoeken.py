"""The circumstances behind a request for verlenging, as the gemeente records them (for DUO, item q), over HTTP."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import text

from inburgeraar_api import scopes
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

from .test_overdracht_begeleiding_ontzorgen import PROBLEM, asielmigrant, events

__all__ = ["asielmigrant"]  # the fixture, shared with the other dossier tests

VERZOEK = {
    "verzoekdatum": "2026-11-02",
    "termijn": "ibp",
    "omstandigheden": ["gezondheid", "aanbod-laat-gestart"],
    "gevraagdeEinddatum": "2027-06-01",
    "toelichting": "cursus begon vier maanden later dan gepland",
}


class TestVerlengingsomstandigheden:
    async def test_vastleggen_lezen_en_event_zonder_toelichting(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str, database: Database
    ) -> None:
        ik = tokens.headers(*scopes.ROLLEN["klantregisseur"])
        response = await client.post(f"{asielmigrant}/verlengingsverzoeken", json=VERZOEK, headers=ik)
        assert response.status_code == 201, response.text
        verzoek = response.json()
        assert {k: verzoek[k] for k in VERZOEK} == VERZOEK
        lijst = await client.get(f"{asielmigrant}/verlengingsverzoeken", headers=ik)
        assert lijst.status_code == 200 and [v["id"] for v in lijst.json()] == [verzoek["id"]]

        [event] = await events(database, "verlengingsomstandigheden-vastgelegd")
        assert event["data"] == {
            "verzoekId": verzoek["id"], "inburgeraarId": asielmigrant.rsplit("/", 1)[1], "verzoekdatum": "2026-11-02",
            "termijn": "ibp", "omstandigheden": ["gezondheid", "aanbod-laat-gestart"],
            "gevraagdeEinddatum": "2027-06-01",
        }  # fmt: skip
        assert "vier maanden" not in json.dumps(event)

    async def test_weigeringen_noemen_het_veld(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str, database: Database
    ) -> None:
        ik = tokens.headers(*scopes.ROLLEN["klantregisseur"])
        pad = f"{asielmigrant}/verlengingsverzoeken"
        met_bsn = {**VERZOEK, "toelichting": "zie dossier 999990020"}
        response = await client.post(pad, json=met_bsn, headers=ik)
        assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM), response.text
        assert [p["name"] for p in response.json()["invalidParams"]] == ["toelichting"]
        te_vroeg = {**VERZOEK, "gevraagdeEinddatum": "2026-11-01"}
        response = await client.post(pad, json=te_vroeg, headers=ik)
        assert response.status_code == 422, response.text
        assert [p["name"] for p in response.json()["invalidParams"]] == ["gevraagdeEinddatum"]
        dubbel = {**VERZOEK, "omstandigheden": ["gezondheid", "gezondheid"], "termijn": "x"}
        response = await client.post(pad, json=dubbel, headers=ik)
        assert response.status_code in {400, 422}, response.text
        assert {p["name"] for p in response.json()["invalidParams"]} == {"omstandigheden", "termijn"}
        async with database.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM verlengingsverzoek"))).scalar_one() == 0

    async def test_duo_schrijft_de_omstandigheden_niet(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str
    ) -> None:
        duo = tokens.headers(*scopes.ROLLEN["duo"], user=None, client_id="duo")
        response = await client.post(f"{asielmigrant}/verlengingsverzoeken", json=VERZOEK, headers=duo)
        assert response.status_code == 403, response.text
