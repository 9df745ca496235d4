"""The brede intake over HTTP (Wet art. 14; Besluit art. 5.2; DOMAIN §2 step 6): oproepen and their outcome,
results per topic (health only as circumstances), leerbaarheidstoets, achtergrond, completion — also in
absence after three oproepen — and the refusal of medical documents."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text

from inburgeraar_api import scopes
from inburgeraar_api.domain.brede_intake import GEZONDHEID_ONDERWERPEN, VERPLICHTE_ONDERWERPEN
from inburgering_kit.db import Database
from inburgering_kit.testing.plugin import TokenFactory

BSN = "999993653"
PROBLEM = "application/problem+json"
EVENT = "nl.inburgering.inburgeraar."


def resultaat(onderwerp: str) -> dict[str, Any]:
    if onderwerp in GEZONDHEID_ONDERWERPEN:
        return {
            "onderwerp": onderwerp,
            "omstandigheden": "kan niet lang zitten; pauzes nodig",
            "gevolgenVoorTraject": "lessen in blokken van een uur",
        }
    return {"onderwerp": onderwerp, "bevindingen": f"bevindingen over {onderwerp}"}


TOETS = {
    "datum": "2026-04-20",
    "resultaat": "score 72, advies B1",
    "geadviseerdeLeerroute": "b1",
    "instantie": "Toetsinstantie Noord",
}
ACHTERGROND = {
    "opleidingen": [{"niveau": "beroepsonderwijs", "richting": "elektrotechniek", "land": "Eritrea", "jaren": 3}],
    "werkervaring": [{"beroep": "elektricien", "land": "Eritrea", "jaren": 5}],
    "taalniveau": {"spreken": "a1", "lezen": "a1"},
    "alfabetisme": "gealfabetiseerd",
    "vveKinderen": [{"geboortejaar": 2023, "vveAdvies": True}],
}


async def count(database: Database, sql: str) -> int:
    async with database.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def events(database: Database, soort: str) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT event FROM outbox WHERE event->>'type' = :t ORDER BY seq"), {"t": EVENT + soort}
        )
        return [r[0]["data"] for r in rows]


@pytest.fixture
def headers(tokens: TokenFactory) -> dict[str, str]:
    return tokens.headers(scopes.INTAKE_SCHRIJVEN, scopes.INTAKE_LEZEN)


@pytest.fixture
async def intake(client: httpx.AsyncClient, tokens: TokenFactory) -> str:
    created = await client.post(
        "/api/v1/inburgeraars",
        json={"bsn": BSN, "doelgroep": "asielmigrant", "datumKoppeling": "2026-03-01"},
        headers=tokens.headers(scopes.INBURGERAAR_SCHRIJVEN),
    )
    assert created.status_code == 201, created.text
    return f"/api/v1/inburgeraars/{created.json()['id']}/brede-intake"


async def oproep(client: httpx.AsyncClient, intake: str, headers: dict[str, str], nummer: int = 1) -> str:
    response = await client.post(
        f"{intake}/oproepen",
        headers=headers,
        json={"verzondenDatum": f"2026-04-0{nummer}", "afspraakOp": f"2026-04-1{nummer}T10:00:00+02:00"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def uitkomst(
    client: httpx.AsyncClient, intake: str, headers: dict[str, str], oproep_id: str, waarde: str
) -> httpx.Response:
    return await client.put(f"{intake}/oproepen/{oproep_id}/uitkomst", json={"uitkomst": waarde}, headers=headers)


async def verschenen(client: httpx.AsyncClient, intake: str, headers: dict[str, str]) -> None:
    response = await uitkomst(client, intake, headers, await oproep(client, intake, headers), "verschenen")
    assert response.status_code == 200, response.text


async def niet_verschenen(client: httpx.AsyncClient, intake: str, headers: dict[str, str], keer: int) -> None:
    for nummer in range(1, keer + 1):
        response = await uitkomst(
            client, intake, headers, await oproep(client, intake, headers, nummer), "niet-verschenen"
        )
        assert response.status_code == 200, response.text


class TestVolledigeIntake:
    async def test_from_oproep_to_afgerond(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        leeg = await client.get(intake, headers=headers)
        assert leeg.status_code == 200
        assert (leeg.json()["status"], leeg.json()["volgendeStap"]) == ("lopend", "oproepen")

        oproep_id = await oproep(client, intake, headers)
        wachten = (await client.get(intake, headers=headers)).json()
        assert wachten["volgendeStap"] == "wachten-op-uitkomst"
        assert wachten["oproepen"][0]["afspraakOp"] == "2026-04-11T08:00:00Z"

        gekomen = await uitkomst(client, intake, headers, oproep_id, "verschenen")
        assert gekomen.status_code == 200
        assert (gekomen.json()["volgnummer"], gekomen.json()["uitkomst"]) == (1, "verschenen")
        assert (await client.get(intake, headers=headers)).json()["volgendeStap"] == "intake-afnemen"

        gesprek = await client.post(
            f"{intake}/gesprekken",
            headers=headers,
            json={
                "datum": "2026-04-11",
                "gevoerdDoor": "consulent.a",
                "samenvatting": "eerste gesprek met tolk",
            },
        )
        assert gesprek.status_code == 201, gesprek.text
        for onderwerp in sorted(VERPLICHTE_ONDERWERPEN):
            response = await client.put(f"{intake}/resultaten/{onderwerp}", json=resultaat(onderwerp), headers=headers)
            assert response.status_code == 200, (onderwerp, response.text)
        toets = await client.put(f"{intake}/leerbaarheidstoets", json=TOETS, headers=headers)
        assert toets.status_code == 200, toets.text
        achtergrond = await client.put(f"{intake}/achtergrond", json=ACHTERGROND, headers=headers)
        assert achtergrond.status_code == 200, achtergrond.text

        afgerond = await client.post(f"{intake}/_afronden", json={"datum": "2026-04-25"}, headers=headers)
        assert afgerond.status_code == 200, afgerond.text
        body = afgerond.json()
        assert (body["status"], body["afgerondDatum"], body["afgerondBijAfwezigheid"]) == (
            "afgerond",
            "2026-04-25",
            False,
        )
        assert {r["onderwerp"] for r in body["resultaten"]} == set(VERPLICHTE_ONDERWERPEN)
        assert body["leerbaarheidstoets"]["geadviseerdeLeerroute"] == "b1"
        assert body["achtergrond"]["alfabetisme"] == "gealfabetiseerd"
        assert [g["gevoerdDoor"] for g in body["gesprekken"]] == ["consulent.a"]
        gezondheid = next(r for r in body["resultaten"] if r["onderwerp"] == "fysieke-gezondheid")
        assert "bevindingen" not in gezondheid

        assert await events(database, "brede-intake-afgerond") == [
            {"inburgeraarId": intake.split("/")[4], "datum": "2026-04-25", "bijAfwezigheid": False}
        ]
        assert [e["onderwerp"] for e in await events(database, "brede-intake-resultaat-vastgelegd")] == sorted(
            VERPLICHTE_ONDERWERPEN
        )
        assert [e["geadviseerdeLeerroute"] for e in await events(database, "leerbaarheidstoets-vastgelegd")] == ["b1"]
        assert [e["aantalNietVerschenen"] for e in await events(database, "oproep-verschenen")] == [0]
        assert await count(database, "SELECT count(*) FROM brede_intake WHERE status = 'afgerond'") == 1

    async def test_afronden_with_missing_topics_lists_them(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        await verschenen(client, intake, headers)
        await client.put(f"{intake}/resultaten/opleiding", json=resultaat("opleiding"), headers=headers)
        response = await client.post(f"{intake}/_afronden", json={"datum": "2026-04-25"}, headers=headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "brede-intake-onvolledig"
        names = {p["name"] for p in response.json()["invalidParams"]}
        assert names == {"leerbaarheidstoets"} | {
            f"onderwerpen.{o}" for o in VERPLICHTE_ONDERWERPEN if o != "opleiding"
        }
        assert (await client.get(intake, headers=headers)).json()["status"] == "lopend"
        assert await events(database, "brede-intake-afgerond") == []

    async def test_afronden_needs_a_verschenen_oproep(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str
    ) -> None:
        response = await client.post(f"{intake}/_afronden", json={"datum": "2026-04-25"}, headers=headers)
        assert response.status_code == 422
        assert "oproepen" in {p["name"] for p in response.json()["invalidParams"]}

    async def test_after_afgerond_every_write_is_409(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        await niet_verschenen(client, intake, headers, 3)
        afgerond = await client.post(
            f"{intake}/_afronden", json={"datum": "2026-05-01", "bijAfwezigheid": True}, headers=headers
        )
        assert afgerond.status_code == 200
        oproep_id = (await client.get(intake, headers=headers)).json()["oproepen"][0]["id"]
        outbox = await count(database, "SELECT count(*) FROM outbox")
        writes: list[tuple[str, str, dict[str, Any]]] = [
            ("POST", "oproepen", {"verzondenDatum": "2026-05-02", "afspraakOp": "2026-05-09T10:00:00+02:00"}),
            ("PUT", f"oproepen/{oproep_id}/uitkomst", {"uitkomst": "verschenen"}),
            ("POST", "gesprekken", {"datum": "2026-05-02", "gevoerdDoor": "x"}),
            ("PUT", "resultaten/opleiding", resultaat("opleiding")),
            ("PUT", "leerbaarheidstoets", TOETS),
            ("PUT", "achtergrond", ACHTERGROND),
            ("POST", "_afronden", {"datum": "2026-05-02"}),
        ]
        for method, pad, body in writes:
            response = await client.request(method, f"{intake}/{pad}", json=body, headers=headers)
            assert response.status_code == 409, pad
            assert response.headers["content-type"] == PROBLEM
            assert response.json()["code"] == "brede-intake-afgerond"
        assert await count(database, "SELECT count(*) FROM outbox") == outbox
        assert await count(database, "SELECT count(*) FROM oproep") == 3
        assert await count(database, "SELECT count(*) FROM intakegesprek") == 0


class TestOproepen:
    async def test_three_times_absent_allows_afronden_bij_afwezigheid(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        stappen = []
        for nummer in (1, 2, 3):
            oproep_id = await oproep(client, intake, headers, nummer)
            assert (await uitkomst(client, intake, headers, oproep_id, "niet-verschenen")).status_code == 200
            stappen.append((await client.get(intake, headers=headers)).json()["volgendeStap"])
        assert stappen == ["waarschuwing-of-boete", "waarschuwing-of-boete", "afronden-bij-afwezigheid"]
        niet = await events(database, "oproep-niet-verschenen")
        assert [(e["volgnummer"], e["aantalNietVerschenen"]) for e in niet] == [(1, 1), (2, 2), (3, 3)]
        assert [e["volgnummer"] for e in await events(database, "oproep-verstuurd")] == [1, 2, 3]

        response = await client.post(
            f"{intake}/_afronden", json={"datum": "2026-05-01", "bijAfwezigheid": True}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["afgerondBijAfwezigheid"]) == ("afgerond", True)
        [event] = await events(database, "brede-intake-afgerond")
        assert event["bijAfwezigheid"] is True

    async def test_bij_afwezigheid_after_two_is_refused(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        await niet_verschenen(client, intake, headers, 2)
        response = await client.post(
            f"{intake}/_afronden", json={"datum": "2026-05-01", "bijAfwezigheid": True}, headers=headers
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "afronden-bij-afwezigheid-niet-toegestaan"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["oproepen"]
        assert await events(database, "brede-intake-afgerond") == []

    async def test_onvoldoende_meegewerkt_does_not_count_as_absent(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        await niet_verschenen(client, intake, headers, 2)
        derde = await oproep(client, intake, headers, 3)
        assert (await uitkomst(client, intake, headers, derde, "onvoldoende-meegewerkt")).status_code == 200
        assert (await client.get(intake, headers=headers)).json()["volgendeStap"] == "waarschuwing-of-boete"
        [event] = await events(database, "oproep-onvoldoende-meegewerkt")
        assert event["aantalNietVerschenen"] == 2
        response = await client.post(
            f"{intake}/_afronden", json={"datum": "2026-05-01", "bijAfwezigheid": True}, headers=headers
        )
        assert response.status_code == 422

    async def test_new_oproep_while_previous_has_no_outcome_is_409(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        await oproep(client, intake, headers)
        response = await client.post(
            f"{intake}/oproepen",
            headers=headers,
            json={"verzondenDatum": "2026-04-02", "afspraakOp": "2026-04-12T10:00:00+02:00"},
        )
        assert response.status_code == 409
        assert response.headers["content-type"] == PROBLEM
        assert await count(database, "SELECT count(*) FROM oproep") == 1
        assert len(await events(database, "oproep-verstuurd")) == 1

    async def test_outcome_is_recorded_once(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str
    ) -> None:
        oproep_id = await oproep(client, intake, headers)
        assert (await uitkomst(client, intake, headers, oproep_id, "niet-verschenen")).status_code == 200
        again = await uitkomst(client, intake, headers, oproep_id, "verschenen")
        assert again.status_code == 409
        assert again.json()["code"] == "uitkomst-al-vastgelegd"
        assert (await client.get(intake, headers=headers)).json()["oproepen"][0]["uitkomst"] == "niet-verschenen"

    async def test_outcome_of_unknown_oproep_is_404(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str
    ) -> None:
        response = await uitkomst(client, intake, headers, "0b7f1a51-2d0e-4a7e-9d3f-0c4a4c0a0001", "verschenen")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM


class TestResultaten:
    async def test_health_topic_takes_omstandigheden_not_bevindingen(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        response = await client.put(
            f"{intake}/resultaten/mentale-gezondheid",
            json={"onderwerp": "mentale-gezondheid", "bevindingen": "somber"},
            headers=headers,
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM
        names = [p["name"].split(".")[-1] for p in response.json()["invalidParams"]]
        assert sorted(names) == ["bevindingen", "omstandigheden"]
        assert await events(database, "brede-intake-resultaat-vastgelegd") == []
        ok = await client.put(
            f"{intake}/resultaten/mentale-gezondheid", json=resultaat("mentale-gezondheid"), headers=headers
        )
        assert ok.status_code == 200
        assert ok.json()["resultaten"] == [resultaat("mentale-gezondheid")]

    async def test_other_topic_cannot_carry_omstandigheden_only(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str
    ) -> None:
        response = await client.put(
            f"{intake}/resultaten/opleiding",
            json={"onderwerp": "opleiding", "omstandigheden": "x"},
            headers=headers,
        )
        assert response.status_code == 400
        names = [p["name"].split(".")[-1] for p in response.json()["invalidParams"]]
        assert sorted(names) == ["bevindingen", "omstandigheden"]

    async def test_path_and_body_onderwerp_must_match(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        response = await client.put(f"{intake}/resultaten/opleiding", json=resultaat("werkervaring"), headers=headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "onderwerp-komt-niet-overeen"
        assert (await client.get(intake, headers=headers)).json()["resultaten"] == []
        assert await events(database, "brede-intake-resultaat-vastgelegd") == []

    async def test_a_result_replaces_the_previous_one_of_its_topic(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str
    ) -> None:
        await client.put(f"{intake}/resultaten/opleiding", json=resultaat("opleiding"), headers=headers)
        second = {"onderwerp": "opleiding", "bevindingen": "diploma gevonden"}
        response = await client.put(f"{intake}/resultaten/opleiding", json=second, headers=headers)
        assert response.status_code == 200
        assert [r["bevindingen"] for r in response.json()["resultaten"]] == ["diploma gevonden"]

    async def test_unknown_topic_in_path_is_400(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str
    ) -> None:
        response = await client.put(
            f"{intake}/resultaten/horoscoop",
            json={"onderwerp": "opleiding", "bevindingen": "x"},
            headers=headers,
        )
        assert response.status_code == 400
        assert [p["name"] for p in response.json()["invalidParams"]] == ["onderwerp"]


class TestMedischeGegevens:
    async def test_medical_document_in_a_gesprek_is_refused_and_not_stored(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        verwerkingen = await count(database, "SELECT count(*) FROM verwerking")
        outbox = await count(database, "SELECT count(*) FROM outbox")
        body = {
            "datum": "2026-04-11",
            "gevoerdDoor": "consulent.a",
            "samenvatting": "gesprek",
            "bijlage": {
                "soort": "medisch-document",
                "naam": "verklaring-huisarts.pdf",
                "inhoud": "SGFsbG8gd2VyZWxk",
            },
        }
        response = await client.post(f"{intake}/gesprekken", json=body, headers=headers)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "medische-gegevens-geweigerd"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["bijlage"]
        assert "verklaring-huisarts" not in response.text
        assert await count(database, "SELECT count(*) FROM intakegesprek") == 0
        assert await count(database, "SELECT count(*) FROM brede_intake") == 0
        assert await count(database, "SELECT count(*) FROM outbox") == outbox
        assert await count(database, "SELECT count(*) FROM verwerking") == verwerkingen

    async def test_diagnose_in_a_health_result_is_refused(
        self, client: httpx.AsyncClient, headers: dict[str, str], intake: str, database: Database
    ) -> None:
        body = {**resultaat("fysieke-gezondheid"), "diagnose": "hernia"}
        response = await client.put(f"{intake}/resultaten/fysieke-gezondheid", json=body, headers=headers)
        assert response.status_code == 422
        assert response.json()["code"] == "medische-gegevens-geweigerd"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["diagnose"]
        assert "hernia" not in response.text
        assert await count(database, "SELECT count(*) FROM brede_intake") == 0
