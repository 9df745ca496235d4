"""Referrals before the PIP (issue 14): the leerbaarheidstoets and maatschappelijke begeleiding from the registration
on, for every doelgroep; every other part still needs a vastgesteld PIP; the person must be registered in the
caller's gemeente; the provider still sees only its pseudonym."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from aanbieder_api.scopes import ROLLEN
from inburgering_kit.testing.events import Recorder, recorder_fixture
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually

if TYPE_CHECKING:
    from .conftest import Aanbieder, InburgeraarApi, Omgeving

API = "/api/v1"
INHOUD = {
    "deelnemer": {"roepnaam": "Amal", "achternaam": "Haddad", "telefoon": "+31 6 12345678"},
    "geplandeStartdatum": "2026-03-01",
    "geplandeEinddatum": "2026-03-31",
}
VOOR_PIP = ("b1-route", "pvt", "map", "leerbaarheidstoets", "maatschappelijke-begeleiding")

ontvanger = recorder_fixture(durable="test-aanbieder-voor-pip", filter_subject="nl.inburgering.aanbieder.>")


def sleutel() -> dict[str, str]:
    return {"Idempotency-Key": f"test-{uuid.uuid4()}"}


def body(aanbieder: Aanbieder, inburgeraar_id: uuid.UUID | None, onderdeel: str, **extra: Any) -> dict[str, Any]:
    inhoud = {"inburgeraarId": str(inburgeraar_id)} if inburgeraar_id else {}
    return {**inhoud, "aanbiederId": str(aanbieder.id), "onderdeel": onderdeel, "inhoud": INHOUD, **extra}


async def verstrek(client: httpx.AsyncClient, omgeving: Omgeving, json: dict[str, Any]) -> httpx.Response:
    return await client.post(f"{API}/opdrachten", json=json, headers={**omgeving.regisseur, **sleutel()})


class TestVoorHetPip:
    @pytest.mark.parametrize("onderdeel", ["leerbaarheidstoets", "maatschappelijke-begeleiding"])
    async def test_an_opdracht_without_a_pip_for_a_registered_person_is_what_the_provider_sees_without_ids(
        self, client: httpx.AsyncClient, omgeving: Omgeving, onderdeel: str
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=VOOR_PIP)
        inburgeraar_id = await omgeving.inburgeraar_api.geregistreerd()
        r = await verstrek(client, omgeving, body(aanbieder, inburgeraar_id, onderdeel))
        assert r.status_code == 201, r.text
        opdracht = r.json()
        assert opdracht["pipId"] is None and opdracht["pipVersie"] is None and opdracht["pipTeHerzien"] is False
        assert opdracht["inburgeraarId"] == str(inburgeraar_id) and opdracht["onderdeel"] == onderdeel
        r = await client.get(f"{API}/toegewezen-opdrachten/{opdracht['id']}", headers=aanbieder.headers)
        assert r.status_code == 200, r.text
        assert str(inburgeraar_id) not in r.text and "pipId" not in r.text
        assert r.json()["deelnemerReferentie"] == opdracht["deelnemerReferentie"]
        # The person's opdrachten, for the werkplek; one without a PIP is never "te herzien".
        r = await client.get(
            f"{API}/opdrachten", params={"inburgeraarId": str(inburgeraar_id)}, headers=omgeving.regisseur
        )
        assert [o["id"] for o in r.json()["resultaten"]] == [opdracht["id"]], r.text
        r = await client.get(f"{API}/opdrachten", params={"pipTeHerzien": "false"}, headers=omgeving.regisseur)
        assert opdracht["id"] in {o["id"] for o in r.json()["resultaten"]}

    @pytest.mark.parametrize("doelgroep", ["asielmigrant", "gezinsmigrant", "overige-migrant"])
    async def test_no_doelgroep_is_excluded_from_begeleiding_or_the_leerbaarheidstoets(
        self, client: httpx.AsyncClient, omgeving: Omgeving, doelgroep: str
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=VOOR_PIP)
        inburgeraar_id = await omgeving.inburgeraar_api.geregistreerd(doelgroep=doelgroep)
        for onderdeel in ("maatschappelijke-begeleiding", "leerbaarheidstoets"):
            r = await verstrek(client, omgeving, body(aanbieder, inburgeraar_id, onderdeel))
            assert r.status_code == 201, (onderdeel, r.text)

    @pytest.mark.parametrize("onderdeel", ["pvt", "map", "b1-route"])
    @pytest.mark.parametrize("doelgroep", ["asielmigrant", "gezinsmigrant"])
    async def test_every_other_part_still_needs_a_vastgesteld_pip(
        self, client: httpx.AsyncClient, omgeving: Omgeving, onderdeel: str, doelgroep: str
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=VOOR_PIP)
        inburgeraar_id = await omgeving.inburgeraar_api.geregistreerd(doelgroep=doelgroep)
        r = await verstrek(client, omgeving, body(aanbieder, inburgeraar_id, onderdeel))
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "pip-vereist"
        assert [(p["name"], p["code"]) for p in r.json()["invalidParams"]] == [("pipId", "verplicht")]

    async def test_the_person_must_be_registered_in_this_gemeente(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=VOOR_PIP)
        elders = await omgeving.inburgeraar_api.geregistreerd(gemeente="0344")
        for inburgeraar_id in (uuid.uuid4(), elders):
            r = await verstrek(client, omgeving, body(aanbieder, inburgeraar_id, "leerbaarheidstoets"))
            assert r.status_code == 422, r.text
            assert r.json()["code"] == "inburgeraar-onbekend"
            assert [p["name"] for p in r.json()["invalidParams"]] == ["inburgeraarId"]

    async def test_without_pip_and_person_both_fields_are_named(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=VOOR_PIP)
        r = await verstrek(client, omgeving, body(aanbieder, None, "maatschappelijke-begeleiding"))
        assert r.status_code == 422, r.text
        assert {p["name"] for p in r.json()["invalidParams"]} == {"pipId", "inburgeraarId"}

    async def test_with_a_pip_the_person_named_must_be_the_pips(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=VOOR_PIP)
        pip_id, eigenaar = await omgeving.pip_api.vastgesteld()
        ander = await omgeving.inburgeraar_api.geregistreerd()
        r = await verstrek(client, omgeving, body(aanbieder, ander, "maatschappelijke-begeleiding", pipId=str(pip_id)))
        assert r.status_code == 422 and r.json()["code"] == "inburgeraar-past-niet-bij-pip", r.text
        r = await verstrek(
            client, omgeving, body(aanbieder, eigenaar, "maatschappelijke-begeleiding", pipId=str(pip_id))
        )
        assert r.status_code == 201, r.text
        assert r.json()["pipId"] == str(pip_id) and r.json()["pipVersie"] == 1

    async def test_the_provider_needs_the_service_and_a_contract_for_it(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=("pvt",))
        inburgeraar_id = await omgeving.inburgeraar_api.geregistreerd()
        r = await verstrek(client, omgeving, body(aanbieder, inburgeraar_id, "leerbaarheidstoets"))
        assert r.status_code == 422, r.text
        assert {p["code"] for p in r.json()["invalidParams"]} == {"dienst-niet-aangeboden", "geen-contract"}

    async def test_the_same_key_replays_and_a_different_body_under_it_is_refused(
        self, client: httpx.AsyncClient, omgeving: Omgeving
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=VOOR_PIP)
        inburgeraar_id = await omgeving.inburgeraar_api.geregistreerd()
        headers = {**omgeving.regisseur, **sleutel()}
        verzoek = body(aanbieder, inburgeraar_id, "leerbaarheidstoets")
        eerste = await client.post(f"{API}/opdrachten", json=verzoek, headers=headers)
        tweede = await client.post(f"{API}/opdrachten", json=verzoek, headers=headers)
        assert eerste.status_code == tweede.status_code == 201, tweede.text
        assert eerste.json()["id"] == tweede.json()["id"]
        r = await client.get(
            f"{API}/opdrachten", params={"inburgeraarId": str(inburgeraar_id)}, headers=omgeving.regisseur
        )
        assert r.json()["totalItems"] == 1
        anders = {**verzoek, "onderdeel": "maatschappelijke-begeleiding"}
        r = await client.post(f"{API}/opdrachten", json=anders, headers=headers)
        assert r.status_code == 422, r.text

    async def test_another_gemeente_does_not_see_the_opdracht(
        self, client: httpx.AsyncClient, omgeving: Omgeving, tokens: TokenFactory
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=VOOR_PIP)
        inburgeraar_id = await omgeving.inburgeraar_api.geregistreerd()
        r = await verstrek(client, omgeving, body(aanbieder, inburgeraar_id, "maatschappelijke-begeleiding"))
        opdracht_id = r.json()["id"]
        utrecht = tokens.headers(*ROLLEN["klantregisseur"], gemeente="0344")
        for pad in (f"/opdrachten/{opdracht_id}", f"/opdrachten/{opdracht_id}/versies"):
            assert (await client.get(f"{API}{pad}", headers=utrecht)).status_code == 404, pad
        r = await client.get(f"{API}/opdrachten", params={"inburgeraarId": str(inburgeraar_id)}, headers=utrecht)
        assert r.json()["totalItems"] == 0
        r = await client.post(
            f"{API}/opdrachten/{opdracht_id}/_intrekken", json={"reden": "niet van ons"}, headers=utrecht
        )
        assert r.status_code == 404


class TestInburgeraarprojectie:
    async def test_a_changed_doelgroep_lands_and_a_replay_changes_nothing(
        self, omgeving: Omgeving, inburgeraar_api: InburgeraarApi
    ) -> None:
        inburgeraar_id = await inburgeraar_api.geregistreerd(doelgroep="gezinsmigrant")
        await inburgeraar_api.gewijzigd(inburgeraar_id, "asielmigrant")

        async def gewijzigd() -> bool:
            return await inburgeraar_api.doelgroep(inburgeraar_id) == "asielmigrant"

        await eventually(gewijzigd, what="doelgroep gewijzigd")
        # Another gemeente's event about the same id does not move or change the person.
        await inburgeraar_api.gewijzigd(inburgeraar_id, "overige-migrant", gemeente="0344")
        laatste = await inburgeraar_api.geregistreerd()  # processed after the one before: the stream is ordered
        assert laatste and await inburgeraar_api.doelgroep(inburgeraar_id) == "asielmigrant"


class TestResultaatEvent:
    async def test_the_leerbaarheidstoets_result_leaves_with_its_advice_and_no_pip(
        self, client: httpx.AsyncClient, omgeving: Omgeving, ontvanger: Recorder
    ) -> None:
        aanbieder = await omgeving.aanbieder(diensten=VOOR_PIP)
        inburgeraar_id = await omgeving.inburgeraar_api.geregistreerd(doelgroep="gezinsmigrant")
        r = await verstrek(client, omgeving, body(aanbieder, inburgeraar_id, "leerbaarheidstoets"))
        opdracht = r.json()
        melding = {"soort": "leerbaarheidstoets", "datum": "2026-03-12", "resultaat": "score 74", "leerroute": "b1"}
        r = await client.post(
            f"{API}/toegewezen-opdrachten/{opdracht['id']}/meldingen",
            json=melding,
            headers={**aanbieder.headers, **sleutel()},
        )
        assert r.status_code in (200, 201), r.text

        def afgenomen() -> list[Any]:
            return [
                e
                for e in ontvanger.events
                if e.type.endswith("leerbaarheidstoets-afgenomen") and e.subject == opdracht["id"]
            ]

        async def ontvangen() -> bool:
            return len(afgenomen()) == 1

        await eventually(ontvangen, what="leerbaarheidstoets-afgenomen")
        data = afgenomen()[0].data
        assert data["pipId"] is None and data["inburgeraarId"] == str(inburgeraar_id)
        assert (data["datum"], data["resultaat"], data["geadviseerdeLeerroute"]) == ("2026-03-12", "score 74", "b1")
        r = await client.get(f"{API}/opdrachten/{opdracht['id']}", headers=omgeving.regisseur)
        assert r.json()["status"] == "afgerond"
