"""Warme overdracht, maatschappelijke begeleiding and financieel ontzorgen over HTTP (DOMAIN §2 steps 3–5)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text

from inburgeraar_api import scopes
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

PROBLEM = "application/problem+json"
EVENT = "nl.inburgering.inburgeraar."


async def count(database: Database, sql: str) -> int:
    async with database.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def events(database: Database, soort: str) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT event FROM outbox WHERE event->>'type' = :t ORDER BY seq"), {"t": EVENT + soort}
        )
        return [r[0] for r in rows]


async def registreer(client: httpx.AsyncClient, tokens: TokenFactory, doelgroep: str) -> str:
    datum = {"datumKoppeling": "2026-03-01"} if doelgroep == "asielmigrant" else {"datumInschrijvingBrp": "2026-03-01"}
    created = await client.post(
        "/api/v1/inburgeraars",
        json={"doelgroep": doelgroep, **datum},
        headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN),
    )
    assert created.status_code == 201, created.text
    return f"/api/v1/inburgeraars/{created.json()['id']}"


@pytest.fixture
async def asielmigrant(client: httpx.AsyncClient, tokens: TokenFactory) -> str:
    return await registreer(client, tokens, "asielmigrant")


@pytest.fixture
async def gezinsmigrant(client: httpx.AsyncClient, tokens: TokenFactory) -> str:
    return await registreer(client, tokens, "gezinsmigrant")


def overdracht(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "datum": "2026-03-05",
        "vorm": "in-persoon",
        "deelnemers": [
            {"rol": "coa", "naam": "medewerker.coa", "organisatie": "COA Ter Apel"},
            {"rol": "gemeente", "naam": "consulent.a"},
            {"rol": "inburgeraar"},
        ],
        "vervolgafspraken": [{"omschrijving": "aanmelden huisarts", "datum": "2026-03-20"}],
    }
    body.update(overrides)
    return body


class TestWarmeOverdracht:
    @pytest.mark.parametrize("vorm", ["in-persoon", "telefonisch", "online"])
    async def test_held_overdracht_in_each_form(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        asielmigrant: str,
        database: Database,
        vorm: str,
    ) -> None:
        headers = tokens.headers(scopes.OVERDRACHT_SCHRIJVEN, scopes.OVERDRACHT_LEZEN)
        response = await client.post(f"{asielmigrant}/warme-overdrachten", json=overdracht(vorm=vorm), headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["overdracht"]["vorm"] == vorm
        lijst = await client.get(f"{asielmigrant}/warme-overdrachten", headers=headers)
        assert [o["id"] for o in lijst.json()] == [response.json()["id"]]
        assert lijst.json()[0]["overdracht"]["deelnemers"][0]["organisatie"] == "COA Ter Apel"
        [event] = await events(database, "warme-overdracht-vastgelegd")
        assert (event["data"]["vorm"], event["data"]["datum"]) == (vorm, "2026-03-05")
        assert event["data"]["warmeOverdrachtId"] == response.json()["id"]

    async def test_niet_gehouden_with_reden(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str, database: Database
    ) -> None:
        body = {
            "datum": "2026-03-05",
            "vorm": "niet-gehouden",
            "redenNietGehouden": "inburgeraar was verhuisd",
        }
        response = await client.post(
            f"{asielmigrant}/warme-overdrachten",
            json=body,
            headers=tokens.headers(scopes.OVERDRACHT_SCHRIJVEN),
        )
        assert response.status_code == 201, response.text
        assert response.json()["overdracht"]["redenNietGehouden"] == "inburgeraar was verhuisd"
        assert [e["data"]["vorm"] for e in await events(database, "warme-overdracht-vastgelegd")] == ["niet-gehouden"]

    @pytest.mark.parametrize(
        ("body", "veld"),
        [
            ({"datum": "2026-03-05", "vorm": "niet-gehouden"}, "redenNietGehouden"),
            ({"datum": "2026-03-05", "vorm": "online"}, "deelnemers"),
            (overdracht(zorgbehoeften="hulp bij het lezen van post"), "toestemmingZachteInformatie"),
            (
                overdracht(zorgbehoeften="hulp bij het lezen van post", toestemmingZachteInformatie=False),
                "toestemmingZachteInformatie",
            ),
        ],
        ids=[
            "niet-gehouden-zonder-reden",
            "gehouden-zonder-deelnemers",
            "zorg-zonder-toestemming",
            "zorg-toestemming-false",
        ],
    )
    async def test_inconsistent_overdracht_is_refused_naming_the_field(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        asielmigrant: str,
        database: Database,
        body: dict[str, Any],
        veld: str,
    ) -> None:
        response = await client.post(
            f"{asielmigrant}/warme-overdrachten",
            json=body,
            headers=tokens.headers(scopes.OVERDRACHT_SCHRIJVEN),
        )
        # A rule across fields that the schema cannot express: 422, naming the field.
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert [p["name"] for p in response.json()["invalidParams"]] == [veld]
        assert await count(database, "SELECT count(*) FROM warme_overdracht") == 0
        assert await events(database, "warme-overdracht-vastgelegd") == []

    async def test_zorgbehoeften_with_consent_are_stored(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str, database: Database
    ) -> None:
        headers = tokens.headers(scopes.OVERDRACHT_SCHRIJVEN, scopes.OVERDRACHT_LEZEN)
        body = overdracht(zorgbehoeften="hulp bij het lezen van post", toestemmingZachteInformatie=True)
        assert (await client.post(f"{asielmigrant}/warme-overdrachten", json=body, headers=headers)).status_code == 201
        [gelezen] = (await client.get(f"{asielmigrant}/warme-overdrachten", headers=headers)).json()
        assert gelezen["overdracht"]["zorgbehoeften"] == "hulp bij het lezen van post"
        # The event says that it happened, not what was said.
        [event] = await events(database, "warme-overdracht-vastgelegd")
        assert "zorgbehoeften" not in event["data"]

    async def test_medical_data_in_the_overdracht_is_refused(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str, database: Database
    ) -> None:
        body = overdracht(zorgbehoeften="x", toestemmingZachteInformatie=True, medicatie="oxazepam")
        response = await client.post(
            f"{asielmigrant}/warme-overdrachten",
            json=body,
            headers=tokens.headers(scopes.OVERDRACHT_SCHRIJVEN),
        )
        assert response.status_code == 422
        assert response.json()["code"] == "medische-gegevens-geweigerd"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["medicatie"]
        assert await count(database, "SELECT count(*) FROM warme_overdracht") == 0


BEGELEIDING = {
    "onderdeel": "zorgverzekering",
    "inhoud": "uitleg en aanmelding basisverzekering",
    "doel": "zelfstandig verzekerd",
    "startdatum": "2026-03-15",
    "aanbieder": "VluchtelingenWerk",
}


class TestMaatschappelijkeBegeleiding:
    async def test_asielmigrant_gets_begeleiding(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str, database: Database
    ) -> None:
        headers = tokens.headers(scopes.BEGELEIDING_SCHRIJVEN, scopes.BEGELEIDING_LEZEN)
        response = await client.post(f"{asielmigrant}/maatschappelijke-begeleiding", json=BEGELEIDING, headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["onderdeel"] == "zorgverzekering"
        lijst = await client.get(f"{asielmigrant}/maatschappelijke-begeleiding", headers=headers)
        assert lijst.json() == [response.json()]
        [event] = await events(database, "maatschappelijke-begeleiding-vastgelegd")
        assert (event["data"]["onderdeelId"], event["data"]["startdatum"]) == (
            response.json()["id"],
            "2026-03-15",
        )

    async def test_gezinsmigrant_is_refused(
        self, client: httpx.AsyncClient, tokens: TokenFactory, gezinsmigrant: str, database: Database
    ) -> None:
        response = await client.post(
            f"{gezinsmigrant}/maatschappelijke-begeleiding",
            json=BEGELEIDING,
            headers=tokens.headers(scopes.BEGELEIDING_SCHRIJVEN),
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "alleen-asielmigranten"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["doelgroep"]
        assert await count(database, "SELECT count(*) FROM begeleiding_onderdeel") == 0
        assert await events(database, "maatschappelijke-begeleiding-vastgelegd") == []


class TestOntzorgen:
    async def test_read_before_put_is_404(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str
    ) -> None:
        response = await client.get(f"{asielmigrant}/ontzorgen", headers=tokens.headers(scopes.ONTZORGEN_LEZEN))
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        verlengen = await client.post(
            f"{asielmigrant}/ontzorgen/_verlengen",
            json={"verlengdTot": "2027-06-30"},
            headers=tokens.headers(scopes.ONTZORGEN_SCHRIJVEN),
        )
        assert verlengen.status_code == 404

    async def test_six_months_clamped_to_month_end_and_verlengen(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str, database: Database
    ) -> None:
        headers = tokens.headers(scopes.ONTZORGEN_SCHRIJVEN, scopes.ONTZORGEN_LEZEN)
        put = await client.put(
            f"{asielmigrant}/ontzorgen",
            headers=headers,
            json={"beschikkingReferentie": "PW-2026-123", "startdatum": "2026-08-31"},
        )
        assert put.status_code == 200, put.text
        assert put.json() == {
            "beschikkingReferentie": "PW-2026-123",
            "startdatum": "2026-08-31",
            "geplandeEinddatum": "2027-02-28",
            "verlengdTot": None,
        }

        for datum in ("2027-01-31", "2027-02-28"):  # before, and on, the planned end
            refused = await client.post(
                f"{asielmigrant}/ontzorgen/_verlengen", json={"verlengdTot": datum}, headers=headers
            )
            assert refused.status_code == 422, datum
            assert refused.headers["content-type"] == PROBLEM
            assert refused.json()["code"] == "verlenging-ongeldig"
            assert [p["name"] for p in refused.json()["invalidParams"]] == ["verlengdTot"]

        verlengd = await client.post(
            f"{asielmigrant}/ontzorgen/_verlengen", json={"verlengdTot": "2027-05-31"}, headers=headers
        )
        assert verlengd.status_code == 200, verlengd.text
        assert verlengd.json()["verlengdTot"] == "2027-05-31"
        gelezen = await client.get(f"{asielmigrant}/ontzorgen", headers=headers)
        assert gelezen.json()["verlengdTot"] == "2027-05-31"
        assert gelezen.json()["geplandeEinddatum"] == "2027-02-28"

        data = [e["data"] for e in await events(database, "ontzorgen-vastgelegd")]
        assert [(d["geplandeEinddatum"], d["verlengdTot"]) for d in data] == [
            ("2027-02-28", None),
            ("2027-02-28", "2027-05-31"),
        ]
        assert await count(database, "SELECT count(*) FROM ontzorgen") == 1

    async def test_put_again_replaces_the_period(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str, database: Database
    ) -> None:
        headers = tokens.headers(scopes.ONTZORGEN_SCHRIJVEN, scopes.ONTZORGEN_LEZEN)
        await client.put(
            f"{asielmigrant}/ontzorgen",
            headers=headers,
            json={"beschikkingReferentie": "PW-1", "startdatum": "2026-08-31"},
        )
        again = await client.put(
            f"{asielmigrant}/ontzorgen",
            headers=headers,
            json={"beschikkingReferentie": "PW-2", "startdatum": "2026-09-15"},
        )
        assert again.status_code == 200
        assert (again.json()["beschikkingReferentie"], again.json()["geplandeEinddatum"]) == (
            "PW-2",
            "2027-03-15",
        )
        assert await count(database, "SELECT count(*) FROM ontzorgen") == 1

    async def test_a_start_late_in_2100_ends_past_the_input_range(
        self, client: httpx.AsyncClient, tokens: TokenFactory, asielmigrant: str
    ) -> None:
        # The fuzzer's find: the end six months on lies past 2100, the last date an input may carry; the answer is
        # still an answer, not a 500.
        headers = tokens.headers(scopes.ONTZORGEN_SCHRIJVEN, scopes.ONTZORGEN_LEZEN)
        put = await client.put(
            f"{asielmigrant}/ontzorgen",
            headers=headers,
            json={"beschikkingReferentie": "PW-2100", "startdatum": "2100-12-01"},
        )
        assert put.status_code == 200, put.text
        assert put.json()["geplandeEinddatum"] == "2101-06-01"

    async def test_gezinsmigrant_is_refused(
        self, client: httpx.AsyncClient, tokens: TokenFactory, gezinsmigrant: str, database: Database
    ) -> None:
        response = await client.put(
            f"{gezinsmigrant}/ontzorgen",
            headers=tokens.headers(scopes.ONTZORGEN_SCHRIJVEN),
            json={"beschikkingReferentie": "PW-1", "startdatum": "2026-08-31"},
        )
        assert response.status_code == 422
        assert response.json()["code"] == "alleen-asielmigranten"
        assert await count(database, "SELECT count(*) FROM ontzorgen") == 0
