"""DUO records facts, notifies the subscribed gemeente, and serves each fact to that gemeente only."""

from __future__ import annotations

import httpx

from duo_standin.api.soorten import SOORTEN
from inburgering_kit.testing.waiting import eventually

from .conftest import ANDER_BSN, BSN, PLICHT, VOORBEELDEN, Ontvanger, abonneer, speel


class TestFeitVastleggenEnMelden:
    async def test_fact_is_notified_then_fetched(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str], ontvanger: Ontvanger
    ) -> None:
        await abonneer(client, keten, ontvanger.url)
        feit = await speel(client, beheer, "plicht-vastgesteld", PLICHT)

        await eventually(lambda: len(ontvanger.ontvangen()) == 1, within=10, what="de melding")
        melding = ontvanger.ontvangen()[0]
        assert set(melding) == {"id", "soort", "bron", "gemeentecode", "volgnummer", "tijdstip"}
        assert (melding["id"], melding["soort"], melding["bron"], melding["gemeentecode"]) == (
            feit["id"],
            "plicht-vastgesteld",
            "duo",
            "0363",
        )
        assert melding["volgnummer"] == feit["volgnummer"]
        assert BSN not in str(melding)
        assert ontvanger.autorisaties == ["Bearer test-token"]

        response = await client.get(f"/api/v1/feiten/{melding['id']}", headers=keten)
        assert response.status_code == 200, response.text
        opgehaald = response.json()
        assert opgehaald["persoon"]["bsn"] == BSN
        assert opgehaald["persoon"]["duoId"].startswith("DUO")
        assert opgehaald["gegevens"] == PLICHT
        assert opgehaald["bron"] == "duo"

    async def test_another_gemeente_gets_404(
        self, client: httpx.AsyncClient, keten_0599: dict[str, str], beheer: dict[str, str]
    ) -> None:
        feit = await speel(client, beheer, "plicht-vastgesteld", PLICHT)
        response = await client.get(f"/api/v1/feiten/{feit['id']}", headers=keten_0599)
        assert response.status_code == 404

    async def test_subscribing_for_another_gemeente_is_refused(
        self, client: httpx.AsyncClient, keten: dict[str, str], ontvanger: Ontvanger
    ) -> None:
        response = await client.put("/api/v1/abonnementen/0599", json={"callbackUrl": ontvanger.url}, headers=keten)
        assert response.status_code == 403

    async def test_every_soort_is_recorded_and_volgnummers_increase(
        self, client: httpx.AsyncClient, beheer: dict[str, str]
    ) -> None:
        assert set(VOORBEELDEN) == set(SOORTEN)
        volgnummers = []
        for soort, gegevens in VOORBEELDEN.items():
            feit = await speel(client, beheer, soort, gegevens)
            assert feit["soort"] == soort
            volgnummers.append(feit["volgnummer"])
        assert volgnummers == sorted(volgnummers)
        assert len(set(volgnummers)) == len(volgnummers)

    async def test_invalid_gegevens_name_every_field(self, client: httpx.AsyncClient, beheer: dict[str, str]) -> None:
        body = {
            "soort": "verlenging-besloten",
            "gemeentecode": "0363",
            "persoon": {"bsn": BSN},
            "gegevens": {"besluit": "misschien", "besluitdatum": "gisteren", "onbekend": 1},
        }
        response = await client.post("/api/v1/beheer/feiten", json=body, headers=beheer)
        assert response.status_code == 422, response.text
        namen = {p["name"] for p in response.json()["invalidParams"]}
        assert {"gegevens.besluit", "gegevens.besluitdatum", "gegevens.onbekend"} <= namen

    async def test_granted_verlenging_needs_its_new_date(
        self, client: httpx.AsyncClient, beheer: dict[str, str]
    ) -> None:
        body = {
            "soort": "verlenging-besloten",
            "gemeentecode": "0363",
            "persoon": {"bsn": BSN},
            "gegevens": {"besluit": "toegekend", "besluitdatum": "2028-11-01"},
        }
        response = await client.post("/api/v1/beheer/feiten", json=body, headers=beheer)
        assert response.status_code == 422
        assert [p["name"] for p in response.json()["invalidParams"]] == ["gegevens"]

    async def test_a_move_is_told_to_both_gemeenten(
        self, client: httpx.AsyncClient, keten: dict[str, str], keten_0599: dict[str, str], beheer: dict[str, str]
    ) -> None:
        await speel(client, beheer, "plicht-vastgesteld", PLICHT, gemeente="0599", bsn=ANDER_BSN)
        await speel(client, beheer, "verhuisd", VOORBEELDEN["verhuisd"], gemeente="0363", bsn=ANDER_BSN)
        nieuw = (await client.get("/api/v1/feiten?gemeentecode=0363", headers=keten)).json()["meldingen"]
        oud = (await client.get("/api/v1/feiten?gemeentecode=0599", headers=keten_0599)).json()["meldingen"]
        assert [m["soort"] for m in nieuw] == ["verhuisd"]
        assert [m["soort"] for m in oud] == ["plicht-vastgesteld", "verhuisd"]


class TestFeed:
    async def test_pages_from_a_volgnummer(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str]
    ) -> None:
        feiten = [await speel(client, beheer, "certificaat", {"certificaatdatum": "2027-02-01"}) for _ in range(3)]
        response = await client.get(
            f"/api/v1/feiten?gemeentecode=0363&vanafVolgnummer={feiten[0]['volgnummer']}&pageSize=2", headers=keten
        )
        assert response.status_code == 200, response.text
        pagina = response.json()
        assert [m["id"] for m in pagina["meldingen"]] == [f["id"] for f in feiten[:2]]
        assert pagina["volgendeVolgnummer"] == feiten[1]["volgnummer"] + 1
        rest = (
            await client.get(
                f"/api/v1/feiten?gemeentecode=0363&vanafVolgnummer={pagina['volgendeVolgnummer']}", headers=keten
            )
        ).json()
        assert [m["id"] for m in rest["meldingen"]] == [feiten[2]["id"]]
        assert rest["volgendeVolgnummer"] is None

    async def test_only_the_own_gemeente(self, client: httpx.AsyncClient, keten: dict[str, str]) -> None:
        response = await client.get("/api/v1/feiten?gemeentecode=0599", headers=keten)
        assert response.status_code == 403
