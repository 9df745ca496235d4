"""COA links a statushouder (with or without a BSN yet), learns the BSN, keeps the klantprofiel in versions; each fact
is notified to the subscribed gemeente and served to that gemeente only."""

from __future__ import annotations

import httpx

from inburgering_kit.testing.waiting import eventually

from .conftest import BSN, KOPPELING, PROFIEL, Ontvanger, abonneer, speel


class TestKoppelingEnProfiel:
    async def test_koppeling_without_bsn_then_bsn_then_profile_versions(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str], ontvanger: Ontvanger
    ) -> None:
        await abonneer(client, keten, ontvanger.url)
        koppeling = await speel(client, beheer, "koppeling", KOPPELING)
        coa_id = koppeling["persoon"]["coaId"]
        assert koppeling["persoon"]["bsn"] is None
        bekend = await speel(client, beheer, "bsn-bekend", {}, bsn=BSN, coa_id=coa_id)
        eerste = await speel(client, beheer, "klantprofiel", PROFIEL, coa_id=coa_id)
        tweede = await speel(client, beheer, "klantprofiel", {**PROFIEL, "taalvaardigheid": "A2"}, coa_id=coa_id)
        assert (eerste["gegevens"]["versie"], tweede["gegevens"]["versie"]) == (1, 2)

        await eventually(lambda: len(ontvanger.ontvangen()) == 4, within=10, what="vier meldingen")
        meldingen = ontvanger.ontvangen()
        assert [m["soort"] for m in meldingen] == ["koppeling", "bsn-bekend", "klantprofiel", "klantprofiel"]
        assert {m["bron"] for m in meldingen} == {"coa"}
        assert [m["volgnummer"] for m in meldingen] == sorted(m["volgnummer"] for m in meldingen)
        assert all(BSN not in str(m) for m in meldingen)

        opgehaald = (await client.get(f"/api/v1/feiten/{bekend['id']}", headers=keten)).json()
        assert opgehaald["persoon"] == {"bsn": BSN, "coaId": coa_id}
        profiel = (await client.get(f"/api/v1/feiten/{tweede['id']}", headers=keten)).json()
        assert profiel["gegevens"]["taalvaardigheid"] == "A2"
        assert profiel["gegevens"]["contactgegevens"] == PROFIEL["contactgegevens"]
        # The koppeling as fetched now says who it was about then: no BSN yet.
        assert (await client.get(f"/api/v1/feiten/{koppeling['id']}", headers=keten)).json()["persoon"][
            "coaId"
        ] == coa_id

    async def test_koppeling_with_bsn_and_own_coa_id(self, client: httpx.AsyncClient, beheer: dict[str, str]) -> None:
        feit = await speel(client, beheer, "koppeling", KOPPELING, bsn=BSN, coa_id="COA123")
        assert feit["persoon"] == {"bsn": BSN, "coaId": "COA123"}

    async def test_profile_of_an_unknown_person_is_refused(
        self, client: httpx.AsyncClient, beheer: dict[str, str]
    ) -> None:
        response = await speel(client, beheer, "klantprofiel", PROFIEL, coa_id="COA404", status=422)
        assert [p["name"] for p in response["invalidParams"]] == ["persoon.coaId"]

    async def test_a_second_bsn_is_refused(self, client: httpx.AsyncClient, beheer: dict[str, str]) -> None:
        await speel(client, beheer, "koppeling", KOPPELING, bsn=BSN, coa_id="COA1")
        response = await speel(client, beheer, "bsn-bekend", {}, bsn="999990019", coa_id="COA1", status=422)
        assert [p["name"] for p in response["invalidParams"]] == ["persoon.bsn"]

    async def test_invalid_profile_names_every_field(self, client: httpx.AsyncClient, beheer: dict[str, str]) -> None:
        await speel(client, beheer, "koppeling", KOPPELING, coa_id="COA1")
        slecht = {"taalvaardigheid": "Z9", "contactgegevens": {"email": "geen-adres"}, "hobby": "voetbal"}
        response = await speel(client, beheer, "klantprofiel", slecht, coa_id="COA1", status=422)
        namen = {p["name"] for p in response["invalidParams"]}
        assert namen == {"gegevens.taalvaardigheid", "gegevens.contactgegevens.email", "gegevens.hobby"}

    async def test_another_gemeente_gets_404(
        self, client: httpx.AsyncClient, keten_0599: dict[str, str], beheer: dict[str, str]
    ) -> None:
        feit = await speel(client, beheer, "koppeling", KOPPELING)
        assert (await client.get(f"/api/v1/feiten/{feit['id']}", headers=keten_0599)).status_code == 404


class TestFeed:
    async def test_lists_notifications_of_the_own_gemeente(
        self, client: httpx.AsyncClient, keten: dict[str, str], beheer: dict[str, str]
    ) -> None:
        eigen = await speel(client, beheer, "koppeling", KOPPELING)
        await speel(client, beheer, "koppeling", KOPPELING, gemeente="0599")
        pagina = (await client.get("/api/v1/feiten?gemeentecode=0363", headers=keten)).json()
        assert [m["id"] for m in pagina["meldingen"]] == [eigen["id"]]
        assert (await client.get("/api/v1/feiten?gemeentecode=0599", headers=keten)).status_code == 403
